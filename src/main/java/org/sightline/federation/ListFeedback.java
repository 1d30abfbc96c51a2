package org.sightline.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.config.SecretBox;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Feedback on shared entries (hashlists/FORMAT.md § 8): a subscriber tells a list's publisher that an entry is a
 * false positive or disputed, in a document signed with the subscriber instance's key; the publisher keeps one
 * opinion per entry per subscriber key and shows the counts, so it can retract.
 */
public final class ListFeedback {
    public static final Set<String> OPINIONS = Set.of("false_positive", "disputed", "none");
    static final int MAX_BYTES = 4096;
    /** Opinions one list accepts in an hour, from all keys together. */
    static final int PER_LIST_PER_HOUR = 2000;
    /** Opinions one subscriber key may send in an hour. */
    static final int PER_KEY_PER_HOUR = 120;
    /** How far a document's time may be from the publisher's clock: older ones are replays. */
    static final Duration WINDOW = Duration.ofHours(24);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Jdbi jdbi;
    private final PublishService lists;
    private final KeyFiles keys;
    private final BankService banks;
    private final MediaFetcher fetcher;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;

    public ListFeedback(Jdbi jdbi, PublishService lists, KeyFiles keys, BankService banks, MediaFetcher fetcher,
                        SecretBox secrets, AuditLog audit, Clock clock) {
        this.jdbi = jdbi;
        this.lists = lists;
        this.keys = keys;
        this.banks = banks;
        this.fetcher = fetcher;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
    }

    /** What the publisher recorded. */
    public record Received(long entry, String opinion, String keyId) {
    }

    /** Thrown when a subscriber key sends more than its hourly share (answered 429). */
    public static final class TooMany extends RuntimeException {
        TooMany() {
            super("too many opinions from this key in the last hour; try again later", null, false, false);
        }
    }

    /**
     * The publisher side: verifies the signed document ({@code signature} over the exact bytes, under the
     * {@code public_key} it carries, which must match {@code keyIdHeader}), that it names this list ({@code listId}),
     * an entry the list added, a known opinion and a recent time; then keeps it (replacing that key's earlier opinion
     * on the entry; {@code none} withdraws it).
     */
    public Received receive(ListDao.PublishedList list, String listId, byte[] body, String signature, String keyIdHeader) {
        if (body.length > MAX_BYTES) throw new Refusal(Refusal.Kind.TOO_LARGE, "a feedback document is at most " + MAX_BYTES + " bytes");
        if (signature == null || signature.isBlank()) throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "missing Sightline-Signature");
        JsonNode doc;
        try {
            doc = JSON.readTree(body);
        } catch (IOException e) {
            throw Refusal.invalid("the feedback document is not JSON");
        }
        if (doc == null || !doc.isObject()) throw Refusal.invalid("the feedback document is not a JSON object");
        PublicKey key;
        try {
            key = PublicKey.fromBase64(doc.path("public_key").asText(""));
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("public_key: " + e.getMessage());
        }
        if (keyIdHeader != null && !keyIdHeader.equals(key.keyId())) throw Refusal.invalid("Sightline-Key-Id is not the fingerprint of public_key");
        if (!key.verifyBase64(body, signature.trim())) throw new Refusal(Refusal.Kind.UNAUTHENTICATED, "the signature does not verify under public_key");
        if (!ListFormat.FORMAT.equals(doc.path("format").asText()) || !"feedback".equals(doc.path("type").asText())) {
            throw Refusal.invalid("expected a " + ListFormat.FORMAT + " document of type feedback");
        }
        if (!listId.equals(doc.path("list").asText())) throw Refusal.invalid("the document names another list");
        String opinion = doc.path("opinion").asText("");
        if (!OPINIONS.contains(opinion)) throw Refusal.invalid("opinion must be false_positive, disputed or none");
        if (!doc.path("entry").canConvertToLong()) throw Refusal.invalid("entry must be the seq of an add");
        long entry = doc.path("entry").asLong();
        Instant time;
        try {
            time = Instant.parse(doc.path("time").asText(""));
        } catch (DateTimeParseException e) {
            throw Refusal.invalid("time must be RFC 3339 UTC");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (Duration.between(time, now).abs().compareTo(WINDOW) > 0) throw Refusal.invalid("time is more than 24 hours from now");
        String reason = doc.path("reason").isTextual() ? doc.path("reason").asText() : null;
        if (reason != null && reason.length() > 500) reason = reason.substring(0, 500);
        String keyId = key.keyId();
        String why = reason;
        boolean isAdd = jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM list_changes WHERE list_id = :l AND seq = :s AND op = 'add'")
                .bind("l", list.id()).bind("s", entry).mapTo(Long.class).one()) > 0;
        if (!isAdd) throw Refusal.notFound("list '" + list.name() + "' has no entry " + entry);
        jdbi.useTransaction(h -> {
            // the limits count requests, not opinions kept: a key alternating opinions on one entry keeps one row
            Instant since = now.minus(Duration.ofHours(1));
            h.createUpdate("DELETE FROM list_feedback_receipts WHERE received_at <= :since").bind("since", since).execute();
            long recent = h.createQuery("SELECT COUNT(*) FROM list_feedback_receipts WHERE key_id = :k AND received_at > :since")
                    .bind("k", keyId).bind("since", since).mapTo(Long.class).one();
            if (recent >= PER_KEY_PER_HOUR) throw new TooMany();
            // keys cost nothing to make: the list as a whole takes a bounded number of opinions an hour too
            long toList = h.createQuery("SELECT COUNT(*) FROM list_feedback_receipts WHERE list_id = :l AND received_at > :since")
                    .bind("l", list.id()).bind("since", since).mapTo(Long.class).one();
            if (toList >= PER_LIST_PER_HOUR) throw new TooMany();
            h.createUpdate("INSERT INTO list_feedback_receipts (list_id, key_id, received_at) VALUES (:l, :k, :at)")
                    .bind("l", list.id()).bind("k", keyId).bind("at", now).execute();
            h.createUpdate("DELETE FROM list_feedback WHERE list_id = :l AND entry_seq = :s AND key_id = :k")
                    .bind("l", list.id()).bind("s", entry).bind("k", keyId).execute();
            if (!opinion.equals("none")) {
                h.createUpdate("INSERT INTO list_feedback (list_id, entry_seq, key_id, opinion, reason, received_at)"
                                + " VALUES (:l, :s, :k, :o, :r, :at)")
                        .bind("l", list.id()).bind("s", entry).bind("k", keyId).bind("o", opinion).bind("r", why)
                        .bind("at", now).execute();
            }
            audit.append(h, "subscriber:" + keyId.substring(0, 16), "list_feedback", "list:" + list.name(),
                    "entry=" + entry + " opinion=" + opinion);
        });
        return new Received(entry, opinion, keyId);
    }

    /** An entry of the publisher's list with the opinions on it. */
    /** {@code entryId}: the bank entry the add published (what a retraction retracts). */
    public record Counted(long seq, String signalType, String value, boolean active, long falsePositive, long disputed,
                          long entryId) {
    }

    /** The list's entries that have opinions, most contested first. */
    public List<Counted> counts(String listName) {
        ListDao.PublishedList l = lists.get(listName);
        return jdbi.withHandle(h -> h.createQuery("SELECT c.seq, c.entry_id, c.signal_type, c.signal_value, c.retracted_seq,"
                        + " SUM(CASE WHEN f.opinion = 'false_positive' THEN 1 ELSE 0 END) AS fp,"
                        + " SUM(CASE WHEN f.opinion = 'disputed' THEN 1 ELSE 0 END) AS disputed"
                        + " FROM list_feedback f JOIN list_changes c ON c.list_id = f.list_id AND c.seq = f.entry_seq"
                        + " WHERE f.list_id = :l GROUP BY c.seq, c.entry_id, c.signal_type, c.signal_value, c.retracted_seq"
                        + " ORDER BY c.seq")
                .bind("l", l.id())
                .map((rs, ctx) -> new Counted(rs.getLong("seq"), rs.getString("signal_type"), rs.getString("signal_value"),
                        rs.getObject("retracted_seq") == null, rs.getLong("fp"), rs.getLong("disputed"), rs.getLong("entry_id")))
                .list()).stream()
                .sorted(java.util.Comparator.comparingLong((Counted c) -> -(c.falsePositive() + c.disputed())).thenComparingLong(Counted::seq))
                .toList();
    }

    /**
     * Why an opinion on {@code entryId} (an entry of a subscribed bank) cannot be sent to its publisher, or null when
     * it can: the entry must name its add's seq, the bank must still be subscribed, and this instance needs a key.
     */
    public String unavailable(long entryId) {
        BankEntry e = banks.entry(entryId).orElse(null);
        if (e == null) return "the entry is no longer stored";
        if (e.sourceList() == null || e.sourceSeq() == null || e.sourceList().startsWith("exchange:")) {
            return "the entry did not come from a subscribed list";
        }
        if (jdbi.onDemand(SubscriptionDao.class).findByBank(e.bankId()).isEmpty()) return "its bank is no longer subscribed";
        if (keys.load().isEmpty()) return "this instance has no key to sign opinions with: run 'sightline keygen'";
        return null;
    }

    /**
     * The subscriber side: sends this instance's signed opinion on {@code entryId} (an entry of a subscribed bank)
     * to its list's publisher. Returns the publisher's HTTP status.
     */
    public int send(long entryId, String opinion, String reason, String actor) {
        if (!OPINIONS.contains(opinion)) throw Refusal.invalid("opinion must be false_positive, disputed or none");
        BankEntry e = banks.entry(entryId).orElseThrow(() -> Refusal.notFound("no entry " + entryId));
        if (e.sourceList() == null || e.sourceSeq() == null || e.sourceList().startsWith("exchange:")) {
            throw Refusal.invalid("entry " + entryId + " did not come from a subscribed list");
        }
        SigningKey key = keys.load().orElseThrow(() -> Refusal.invalid("this instance has no key to sign with; run 'sightline keygen'"));
        SubscriptionDao.Subscription s = jdbi.onDemand(SubscriptionDao.class).findByBank(e.bankId())
                .orElseThrow(() -> Refusal.invalid("entry " + entryId + " is not in a subscribed bank"));
        String url = s.url();
        String time = clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
        String why = reason == null ? null : reason.length() > 500 ? reason.substring(0, 500) : reason;
        byte[] doc = ListFormat.feedback(url, e.sourceSeq(), opinion, key.publicKey(), why, time);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Sightline-Signature", key.signBase64(doc));
        headers.put("Sightline-Key-Id", key.keyId());
        if (s.token() != null) headers.put("Authorization", "Bearer " + secrets.open(s.token(), "list-token"));
        FetchResult r = fetcher.post(URI.create(url + "/feedback"), headers, "application/json", doc);
        audit.append(actor, "list_feedback_send", "subscription:" + s.id(),
                "entry=" + entryId + " seq=" + e.sourceSeq() + " opinion=" + opinion + " status=" + r.status());
        if (!r.isOk()) throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, "the publisher did not take the opinion: " + r.reason());
        return r.status();
    }

    static List<Map<String, Object>> view(List<Counted> counted) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Counted c : counted) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seq", c.seq());
            m.put("signal_type", c.signalType());
            m.put("value", c.value());
            m.put("active", c.active());
            m.put("false_positive", c.falsePositive());
            m.put("disputed", c.disputed());
            m.put("entry_id", c.entryId()); // DELETE /api/v1/banks/{bank}/entries/{entry_id} retracts it
            out.add(m);
        }
        return out;
    }
}
