package org.sightline.federation;

import org.sightline.audit.AuditLog;
import org.sightline.banks.BankKind;
import org.sightline.common.Digests;
import org.sightline.store.Sql;
import org.jdbi.v3.core.Handle;
import org.sightline.audit.AuditLog;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.result.ResultIterator;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.common.Refusal;
import org.sightline.banks.BankService;
import org.sightline.banks.Labels;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Publishing banks as signed lists: keeps each published bank's change log (written inside the bank change's
 * transaction through {@link BankService.EntryHook}), and builds the signed snapshot and change pages.
 */
public final class PublishService implements BankService.EntryHook {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}");

    private final Jdbi jdbi;
    private final BankService banks;
    private final KeyFiles keys;
    private final Clock clock;
    private final SecureRandom random;
    private final int pageSize;
    private final String publisher;
    private final AuditLog audit;
    /** The last snapshot built per list: rebuilding a large list for every subscriber would be wasteful. */
    private final Map<String, SignedDocument> snapshots = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong snapshotsBuilt = new java.util.concurrent.atomic.AtomicLong();

    /** How many snapshots were built and signed (not served from the cache) since start. */
    public long snapshotsBuilt() {
        return snapshotsBuilt.get();
    }

    /** A document and what travels with it. */
    public record SignedDocument(byte[] body, String signature, String keyId, long sequence, String etag) {
    }

    public PublishService(Jdbi jdbi, BankService banks, KeyFiles keys, AuditLog audit, Clock clock, SecureRandom random,
                          int pageSize, String publisher) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.banks = banks;
        this.keys = keys;
        this.clock = clock;
        this.random = random;
        this.pageSize = pageSize;
        this.publisher = publisher;
    }

    /** Publishes a local bank: its active entries become adds 1..n, in entry id order. */
    public ListDao.PublishedList publish(String name, String bankName, String visibility, String description) {
        return publish(name, bankName, visibility, description, null);
    }

    /** {@link #publish} for {@code actor} (null: not audited): the {@code list_publish} event commits with the list. */
    public ListDao.PublishedList publish(String name, String bankName, String visibility, String description,
                                         String actor) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw Refusal.invalid("list name must be 1-64 characters of a-z, 0-9, '_', '.', '-'");
        }
        String vis = visibility == null ? "public" : visibility;
        if (!vis.equals("public") && !vis.equals("subscribers")) {
            throw Refusal.invalid("visibility must be 'public' or 'subscribers', got '" + visibility + "'");
        }
        Bank bank = banks.get(bankName);
        if (bank.kind() != BankKind.LOCAL) throw Refusal.invalid("only a local bank can be published; '" + bankName + "' is " + bank.kind());
        signingKey(); // fail before publishing anything when there is no key
        ListDao dao = jdbi.onDemand(ListDao.class);
        if (dao.findByName(name).isPresent()) throw Refusal.conflict("a list named '" + name + "' already exists");
        if (dao.findByBank(bank.id()).isPresent()) throw Refusal.conflict("bank '" + bankName + "' is already published");
        Instant now = now();
        jdbi.useTransaction(h -> {
            // adds to the bank wait until the list exists (their hook then logs them), and earlier ones have
            // committed: none falls between the entries read here and the list's first change
            if (!BankService.lockForChange(h, bank).matching()) {
                throw Refusal.conflict("bank '" + bankName + "' is archived: subscribers would get entries it no longer matches");
            }
            ListDao d = h.attach(ListDao.class);
            // checked again under the lock: two publishes of one bank at once, one wins
            if (d.findByBank(bank.id()).isPresent()) throw Refusal.conflict("bank '" + bankName + "' is already published");
            long id;
            try {
                id = d.insert(name, bank.id(), vis, description, now);
            } catch (org.jdbi.v3.core.statement.UnableToExecuteStatementException e) {
                if (Sql.isUniqueViolation(e)) {
                    throw Refusal.conflict("a list named '" + name + "' already exists");
                }
                throw e;
            }
            List<BankEntry> active = new ArrayList<>();
            banks.forEachEntry(h, bankName, false, active::add);
            appendAdds(d, id, active, now);
            if (actor != null && audit != null) {
                audit.append(h, actor, "list_publish", "list:" + name, "bank=" + bankName + " visibility=" + vis
                        + " entries=" + active.size());
            }
        });
        return dao.findByName(name).orElseThrow();
    }

    /** A list's live entries, last change and subscriber tokens (how many fetched it in the last 7 days). */
    public ListDao.Overview overview(long listId) {
        return jdbi.withExtension(ListDao.class, d -> d.overview(listId, clock.instant().minus(Duration.ofDays(7))));
    }

    public List<ListDao.PublishedList> list() {
        return jdbi.onDemand(ListDao.class).list();
    }

    public ListDao.PublishedList get(String name) {
        return jdbi.onDemand(ListDao.class).findByName(name)
                .orElseThrow(() -> Refusal.notFound("no list named '" + name + "'"));
    }

    /** A new subscriber token: its plain text exists only here, to be shown once. */
    public record CreatedToken(ListDao.ListToken token, String secret) {
    }

    /**
     * A token for one subscriber of a restricted list; returned once, stored as its SHA-256. Audited as
     * {@code actor} in the same transaction.
     */
    public CreatedToken createToken(String listName, String subscriber, String actor) {
        ListDao.PublishedList l = get(listName);
        if (subscriber == null || subscriber.isBlank() || subscriber.length() > 100) {
            throw Refusal.invalid("name the subscriber (1-100 characters)");
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = "stl_list_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = now();
        long id = jdbi.inTransaction(h -> {
            long newId = h.attach(ListDao.class).insertToken(l.id(), subscriber, sha256(token), now);
            audit.append(h, actor, "list_token_create", "list:" + l.name(), "token=" + newId + " subscriber=" + subscriber);
            return newId;
        });
        return new CreatedToken(new ListDao.ListToken(id, subscriber, now, null, null), token);
    }

    /** A list's subscriber tokens, oldest first. */
    public List<ListDao.ListToken> tokens(String listName) {
        ListDao.PublishedList l = get(listName);
        return jdbi.withExtension(ListDao.class, d -> d.tokens(l.id()));
    }

    /** Revokes one subscriber token (its row is deleted: refused at once on every node), audited as {@code actor}. */
    public ListDao.ListToken revokeToken(String listName, long id, String actor) {
        ListDao.PublishedList l = get(listName);
        return jdbi.inTransaction(h -> {
            ListDao d = h.attach(ListDao.class);
            ListDao.ListToken t = d.token(l.id(), id)
                    .orElseThrow(() -> Refusal.notFound("list '" + l.name() + "' has no token " + id));
            d.deleteToken(l.id(), id);
            audit.append(h, actor, "list_token_revoke", "list:" + l.name(), "token=" + id + " subscriber=" + t.name());
            return t;
        });
    }

    /** Whether a request with {@code bearer} (may be null) may read the list. */
    public boolean mayRead(ListDao.PublishedList l, String bearer) {
        return mayRead(l, bearer, null);
    }

    /**
     * As {@link #mayRead(ListDao.PublishedList, String)}, recording when and from which address ({@code client})
     * a subscriber token was used, at most once a minute.
     */
    public boolean mayRead(ListDao.PublishedList l, String bearer, String client) {
        if (!l.restricted()) return true;
        if (bearer == null || bearer.length() > 200) return false;
        Instant now = now();
        return jdbi.withExtension(ListDao.class, d -> {
            Optional<ListDao.ListToken> t = d.findToken(l.id(), sha256(bearer));
            t.ifPresent(x -> {
                Instant since = now.minus(java.time.Duration.ofMinutes(1));
                if (x.lastUsedAt() == null || x.lastUsedAt().isBefore(since)) {
                    d.touchToken(x.id(), now, client == null || client.length() <= 64 ? client : client.substring(0, 64), since);
                }
            });
            return t.isPresent();
        });
    }

    public String snapshotEtag(ListDao.PublishedList l, String base) {
        return "\"s" + l.lastSeq() + "-" + shortHash(base + "|" + signingKey().keyId()) + "\"";
    }

    public String changesEtag(ListDao.PublishedList l, long since, String base) {
        return "\"c" + since + "-" + l.lastSeq() + "-" + shortHash(base + "|" + signingKey().keyId()) + "\"";
    }

    /** The snapshot at the list's current sequence. */
    public SignedDocument snapshot(ListDao.PublishedList l, String base) {
        SigningKey key = signingKey();
        String etag = snapshotEtag(l, base);
        // one per list, so memory stays bounded; the base is in the etag, and is the configured public URL
        // (lists.public_url or http.public_url) unless neither is set, when alternating Host headers rebuild it
        SignedDocument cached = snapshots.get(l.name());
        if (cached != null && cached.etag().equals(etag)) return cached;
        long upTo = l.lastSeq();
        snapshotsBuilt.incrementAndGet();
        byte[] body = withActive(l.id(), upTo, entries -> ListFormat.snapshot(header(l, base, key), upTo, entries));
        SignedDocument doc = new SignedDocument(body, key.signBase64(body), key.keyId(), upTo, etag);
        snapshots.put(l.name(), doc);
        return doc;
    }

    /** Changes after {@code since}, at most one page; {@code next} points at the following page. */
    public SignedDocument changes(ListDao.PublishedList l, long since, String base) {
        if (since < 0) throw Refusal.invalid("since must be 0 or more");
        SigningKey key = signingKey();
        long latest = l.lastSeq();
        List<ListDao.ChangeRow> rows = jdbi.withExtension(ListDao.class, d -> d.changes(l.id(), since, latest, pageSize));
        List<ListFormat.Change> changes = new ArrayList<>(rows.size());
        for (ListDao.ChangeRow r : rows) changes.add(change(r));
        long seq = rows.isEmpty() ? Math.min(since, latest) : rows.get(rows.size() - 1).seq();
        String next = seq < latest ? base + "/lists/" + l.name() + "/changes?since=" + seq : null;
        byte[] body = ListFormat.changes(header(l, base, key), since, seq, latest, next, changes);
        return new SignedDocument(body, key.signBase64(body), key.keyId(), seq, changesEtag(l, since, base));
    }

    /** The public key document, with the rotation statements that lead to it. */
    public byte[] keyDocument() {
        return ListFormat.keyDocument(signingKey().publicKey(), keys.rotations());
    }

    /** {@code pdq <hex>} lines of the active PDQ entries, for tools that cannot verify signatures. */
    public void exportPdq(ListDao.PublishedList l, java.util.function.Consumer<String> line) {
        withActive(l.id(), l.lastSeq(), entries -> {
            for (ListFormat.Change c : entries) {
                if ("pdq".equals(c.signalType())) line.accept("pdq " + c.value());
            }
            return null;
        });
    }

    /** Runs {@code use} over the entries active at {@code upTo}, streamed from the database in one query. */
    private <T> T withActive(long listId, long upTo, java.util.function.Function<Iterable<ListFormat.Change>, T> use) {
        return jdbi.inTransaction(h -> {
            try (ResultIterator<ListDao.ChangeRow> rows = h.attach(ListDao.class).activeAt(listId, upTo)) {
                Iterator<ListFormat.Change> changes = new Iterator<>() {
                    @Override
                    public boolean hasNext() {
                        return rows.hasNext();
                    }

                    @Override
                    public ListFormat.Change next() {
                        return change(rows.next());
                    }
                };
                return use.apply(() -> changes);
            }
        });
    }

    public SigningKey signingKey() {
        Optional<SigningKey> k = keys.load();
        return k.orElseThrow(() -> Refusal.invalid("this instance has no publishing key; run 'sightline keygen'"));
    }

    @Override
    public void added(Handle h, Bank bank, List<BankEntry> entries) {
        ListDao d = h.attach(ListDao.class);
        d.findByBank(bank.id()).ifPresent(l -> appendAdds(d, l.id(), entries, now()));
    }

    @Override
    public void retracted(Handle h, Bank bank, List<BankEntry> entries, Instant at) {
        ListDao d = h.attach(ListDao.class);
        Optional<ListDao.PublishedList> list = d.findByBank(bank.id());
        if (list.isEmpty()) return;
        List<BankEntry> logged = new ArrayList<>();
        List<Long> refs = new ArrayList<>();
        for (BankEntry e : entries) {
            // an entry retracted before the bank was published was never in the list
            d.addSeqOf(list.get().id(), e.id()).ifPresent(ref -> {
                logged.add(e);
                refs.add(ref);
            });
        }
        if (refs.isEmpty()) return;
        long seq = reserve(d, list.get().id(), refs.size()) - refs.size();
        List<ListDao.ChangeRow> rows = new ArrayList<>(refs.size());
        for (int i = 0; i < logged.size(); i++) {
            BankEntry e = logged.get(i);
            rows.add(new ListDao.ChangeRow(list.get().id(), ++seq, ListFormat.RETRACT, e.id(), refs.get(i),
                    e.signalType(), e.signalValue(), e.labels(), null, at, null));
            d.markRetracted(list.get().id(), refs.get(i), seq);
        }
        d.insertChanges(rows);
    }

    private void appendAdds(ListDao d, long listId, List<BankEntry> entries, Instant at) {
        if (entries.isEmpty()) return;
        long last = reserve(d, listId, entries.size());
        long seq = last - entries.size();
        List<ListDao.ChangeRow> rows = new ArrayList<>(entries.size());
        for (BankEntry e : entries) {
            rows.add(new ListDao.ChangeRow(listId, ++seq, ListFormat.ADD, e.id(), null, e.signalType(), e.signalValue(),
                    e.labels(), e.note(), at, null));
        }
        for (int i = 0; i < rows.size(); i += 5000) d.insertChanges(rows.subList(i, Math.min(rows.size(), i + 5000)));
    }

    private static long reserve(ListDao d, long listId, int n) {
        if (d.reserve(listId, n) != 1) throw new IllegalStateException("published list " + listId + " vanished");
        return d.lastSeq(listId);
    }

    private ListFormat.Header header(ListDao.PublishedList l, String base, SigningKey key) {
        return new ListFormat.Header(base + "/lists/" + l.name(), l.name(), l.description(), publisher, key.keyId());
    }

    static ListFormat.Change change(ListDao.ChangeRow r) {
        return new ListFormat.Change(r.seq(), r.op(), r.signalType(), r.signalValue(), Labels.split(r.labels()),
                r.note(), r.createdAt().truncatedTo(ChronoUnit.SECONDS).toString(), r.refSeq());
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    static String sha256(String s) {
        return Digests.sha256Hex(s);
    }

    private static String shortHash(String s) {
        return sha256(s).substring(0, 12);
    }

    /** A bank a list publishes cannot be removed: its subscribers read it (a {@link BankService.RemovalCheck}). */
    public String holds(Handle h, Bank bank) {
        return h.attach(ListDao.class).findByBank(bank.id()).map(l -> "list '" + l.name() + "' publishes it").orElse(null);
    }
}
