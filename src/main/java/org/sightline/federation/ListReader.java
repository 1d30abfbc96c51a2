package org.sightline.federation;

import org.sightline.banks.BankService;
import org.sightline.banks.Labels;
import org.sightline.common.Refusal;
import org.sightline.config.SecretBox;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;
import org.sightline.store.Columns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads a subscribed list: fetches its snapshot or change pages (SSRF-safe, with the subscriber token), checks
 * every document's signature and sequence, and returns the verified changes as a {@link Plan} to apply.
 */
final class ListReader {
    private static final Logger log = LoggerFactory.getLogger(ListReader.class);
    private static final int MAX_PAGES = 10_000;

    private final MediaFetcher fetcher;
    private final SecretBox secrets;
    private final BankService banks;
    private final SubscriptionService.Limits limits;
    private final ListFormat format = new ListFormat();

    ListReader(MediaFetcher fetcher, SecretBox secrets, BankService banks, SubscriptionService.Limits limits) {
        this.fetcher = fetcher;
        this.secrets = secrets;
        this.banks = banks;
        this.limits = limits;
    }

    /**
     * Verified changes, in order, ready to apply; {@code skipped} counts the entries (adds and their retractions)
     * of signal types this instance does not know, left out, and {@code skippedTypes} names those types.
     */
    record Plan(long fromSeq, long toSeq, boolean snapshot, List<ListFormat.Change> changes, PublicKey key,
                        String listName, String publisher, int skipped, List<String> skippedTypes) {
    }

    /** The most unknown type names a sync reports: a hostile list could name thousands. */
    static final int MAX_SKIPPED_TYPES_SHOWN = 5;

    /**
     * Entries of signal types this instance does not know: a newer publisher may publish types an older
     * subscriber cannot match, and one such entry must not stop the whole list (FORMAT.md § 4).
     */
    private static final class Skipped {
        int count;
        final java.util.TreeSet<String> types = new java.util.TreeSet<>();
        boolean more;

        /** Whether {@code c} is of an unknown type, counting it when it is; a missing type is malformed, not unknown. */
        boolean skip(ListFormat.Change c) {
            String t = c.signalType();
            if (t == null || t.isBlank() || known(t)) return false;
            count++;
            String shown = shown(t);
            if (types.contains(shown)) return true;
            if (types.size() < MAX_SKIPPED_TYPES_SHOWN) types.add(shown);
            else more = true;
            return true;
        }

        List<String> names() {
            List<String> out = new ArrayList<>(types);
            if (more) out.add("\u2026");
            return out;
        }
    }

    private static boolean known(String signalType) {
        try {
            org.sightline.matching.SignalType.parse(signalType);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** A publisher's type name as shown to the admin: short, and only plain characters. */
    private static String shown(String type) {
        String t = type.strip();
        if (t.length() > 32) t = t.substring(0, 32) + "\u2026";
        return t.replaceAll("[^A-Za-z0-9_.:\u2026-]", "?");
    }

    /**
     * Fetches and verifies everything since the subscription's last sequence (the first time: the snapshot):
     * signatures against the pinned key or one it rotated to, sequence order, the entries' form, and the limits
     * on what one sync may hold. Throws {@link SyncException} with the reason; applies nothing.
     */
    Plan read(SubscriptionDao.Subscription s) {
        Keys keys = new Keys(s);
        boolean first = s.baseSeq() == null;
        long seq = s.lastSeq();
        List<ListFormat.Change> changes = new ArrayList<>();
        String listName = s.listName();
        String publisher = s.publisher();
        // what is active now, by add sequence: existing entries are looked up in the bank when retracted
        Set<Long> addedHere = new HashSet<>();
        Set<Long> retractedHere = new HashSet<>();
        List<Long> refsToCheck = new ArrayList<>();
        Skipped skipped = new Skipped();
        if (first) {
            Fetched f = fetch(s, URI.create(s.url()));
            ListFormat.Document doc = verified(s, f, keys);
            if (!doc.snapshot()) throw new SyncException("expected the list's snapshot at " + s.url() + ", got a " + doc.type() + " document");
            long prev = 0;
            long n = 0;
            for (ListFormat.Change c : doc.entries()) {
                if (++n > limits.maxEntries()) {
                    throw new SyncException("the list's snapshot has over " + limits.maxEntries() + " entries, this"
                            + " instance's limit (lists.max_entries); nothing was applied");
                }
                if (c.seq() <= prev) throw new SyncException("snapshot entries out of order at sequence " + c.seq());
                if (c.seq() > doc.sequence()) throw new SyncException("snapshot entry " + c.seq() + " is after the snapshot's sequence " + doc.sequence());
                prev = c.seq();
                if (skipped.skip(c)) continue;
                checkSignal(c);
                changes.add(new ListFormat.Change(c.seq(), ListFormat.ADD, c.signalType(), c.value(), c.labels(), c.note(), c.time(), null));
            }
            seq = doc.sequence();
            listName = doc.list().name();
            publisher = doc.list().publisher();
            checkIdentity(listName, publisher);
            return new Plan(0, seq, true, changes, keys.current, listName, publisher, skipped.count, skipped.names());
        }
        for (int pages = 0; pages < MAX_PAGES; pages++) {
            URI uri = URI.create(s.url() + "/changes?since=" + seq);
            Fetched f = fetch(s, uri);
            if (f.gone() && pages == 0) {
                // a list published as a static file has no change pages: it is current while its snapshot is
                upToDateSnapshot(s, keys, seq);
                break;
            }
            ListFormat.Document doc = verified(s, f, keys);
            if (doc.snapshot()) {
                if (doc.sequence() < seq) {
                    throw new SyncException("sequence went backwards: got a snapshot at " + doc.sequence() + ", already at " + seq);
                }
                throw new SyncException("expected a page of changes since " + seq + ", got a snapshot");
            }
            if (doc.sequence() < seq || (doc.latest() != null && doc.latest() < seq)) {
                throw new SyncException("sequence went backwards: the list is at " + doc.sequence() + ", this subscription at " + seq);
            }
            if (doc.since() != seq) {
                throw new SyncException("asked for changes since " + seq + ", got a page since " + doc.since() + " (replayed or misdirected)");
            }
            for (ListFormat.Change c : doc.changes()) {
                if (c.seq() <= seq) throw new SyncException("sequence goes backwards: change " + c.seq() + " after " + seq);
                if (c.seq() != seq + 1) throw new SyncException("sequence skips from " + seq + " to " + c.seq());
                if (!ListFormat.ADD.equals(c.op()) && !ListFormat.RETRACT.equals(c.op())) {
                    throw new SyncException("change " + c.seq() + " has unknown op '" + c.op() + "'");
                }
                if (skipped.skip(c)) {
                    // its sequence is taken all the same: the next change must follow it
                    seq = c.seq();
                    continue;
                }
                checkSignal(c);
                if (ListFormat.ADD.equals(c.op())) {
                    addedHere.add(c.seq());
                } else if (ListFormat.RETRACT.equals(c.op())) {
                    if (c.ref() == null) throw new SyncException("retraction " + c.seq() + " names no entry (ref)");
                    if (retractedHere.contains(c.ref())) throw new SyncException("retraction " + c.seq() + " of entry " + c.ref() + ", already retracted");
                    if (!addedHere.contains(c.ref())) refsToCheck.add(c.ref());
                    retractedHere.add(c.ref());
                } else {
                    throw new SyncException("change " + c.seq() + " has unknown op '" + c.op() + "'");
                }
                changes.add(c);
                seq = c.seq();
            }
            if (doc.sequence() != seq) throw new SyncException("page claims sequence " + doc.sequence() + " but its last change is " + seq);
            listName = doc.list().name();
            publisher = doc.list().publisher();
            long latest = doc.latest() == null ? seq : doc.latest();
            if (seq >= latest || doc.changes().isEmpty()) break;
            // what one sync holds is bounded: the rest of an endless (or very long) run of pages waits for the next sync
            if (changes.size() >= limits.maxChangesPerSync()) {
                log.info("event=list_sync_capped subscription={} changes={} at={} latest={}", s.id(), changes.size(), seq, latest);
                break;
            }
        }
        Map<Long, Long> active = banks.activeBySourceSeq(s.bankId(), refsToCheck);
        for (long ref : refsToCheck) {
            if (!active.containsKey(ref)) throw new SyncException("retraction of unknown entry: sequence " + ref + " is not an active entry of this list");
        }
        checkIdentity(listName, publisher);
        return new Plan(s.lastSeq(), seq, false, changes, keys.current, listName, publisher, skipped.count,
                skipped.names());
    }

    /**
     * The list's name and publisher are stored as they are, never cut: trust is given per publisher, and a cut
     * name could pass for another's. Too long to store is a refusal the admin sees in last_error.
     */
    private static void checkIdentity(String listName, String publisher) {
        String reason = Columns.overLimit("the list's name", listName, Columns.SUBSCRIPTION_LIST_NAME);
        if (reason == null) reason = Columns.overLimit("the list's publisher", publisher, Columns.SUBSCRIPTION_PUBLISHER);
        if (reason != null) throw new SyncException(reason + "; ask the publisher to shorten it");
    }

    /** A note is commentary: one longer than Sightline stores is cut (marked with an ellipsis), the entry kept. */
    static String note(ListFormat.Change c) {
        if (Columns.fits(c.note(), Columns.ENTRY_NOTE)) return c.note();
        return Columns.truncate(c.note(), Columns.ENTRY_NOTE - 1) + "\u2026";
    }

    private static void checkSignal(ListFormat.Change c) {
        try {
            org.sightline.matching.SignalType.parse(c.signalType()).normalize(c.value());
            Labels.validate(c.labels() == null ? List.of() : c.labels());
        } catch (IllegalArgumentException | Refusal e) {
            throw new SyncException("change " + c.seq() + " is invalid: " + e.getMessage());
        }
    }

    /** Checks that the snapshot of a list without change pages is still at {@code seq}. */
    private void upToDateSnapshot(SubscriptionDao.Subscription s, Keys keys, long seq) {
        ListFormat.Document doc = verified(s, fetch(s, URI.create(s.url())), keys);
        if (!doc.snapshot()) throw new SyncException("expected the list's snapshot at " + s.url() + ", got a " + doc.type() + " document");
        if (doc.sequence() < seq) {
            throw new SyncException("sequence went backwards: got a snapshot at " + doc.sequence() + ", already at " + seq);
        }
        if (doc.sequence() > seq) {
            throw new SyncException("the list moved to " + doc.sequence() + " but serves no changes since " + seq
                    + "; roll back and re-subscribe to take its new snapshot");
        }
    }

    private record Fetched(URI uri, byte[] body, Map<String, String> headers, boolean gone) {
    }

    private Fetched fetch(SubscriptionDao.Subscription s, URI uri) {
        Map<String, String> headers = new HashMap<>();
        headers.put("Accept", "application/json");
        if (s.token() != null) headers.put("Authorization", "Bearer " + secrets.open(s.token(), "list-token"));
        FetchResult r = fetcher.fetch(uri, headers);
        if (r.status() == 304) {
            // "not modified" only answers a conditional request, and Sightline sends none: taken as current, an
            // unasked 304 would freeze the subscription
            throw new SyncException(MediaFetcher.redact(uri) + " answered 304 Not Modified to a request that was not"
                    + " conditional; refused");
        }
        if (r.outcome() == FetchResult.Outcome.GONE && uri.getRawQuery() != null) {
            return new Fetched(uri, new byte[0], Map.of(), true);
        }
        if (!r.isOk()) throw new SyncException("cannot fetch " + MediaFetcher.redact(uri) + ": " + r.reason());
        Map<String, String> got = r.headers();
        if (!got.containsKey(ListFormat.SIGNATURE_HEADER.toLowerCase(Locale.ROOT)) && uri.getRawQuery() == null
                && !uri.getPath().endsWith("/key")) {
            got = companionSignature(s, uri, headers, got);
        }
        return new Fetched(uri, r.bytes(), got, false);
    }

    /** A file served without signature headers may have its signature beside it, in FILE.sig. */
    private Map<String, String> companionSignature(SubscriptionDao.Subscription s, URI uri, Map<String, String> request,
                                                   Map<String, String> got) {
        FetchResult sig = fetcher.fetch(URI.create(uri + ".sig"), request);
        if (!sig.isOk()) return got;
        String[] p = new String(sig.bytes(), java.nio.charset.StandardCharsets.UTF_8).strip().split("\\s+");
        if (p.length != 3 || !p[0].equals("ed25519")) {
            throw new SyncException(MediaFetcher.redact(uri) + ".sig is not 'ed25519 <key id> <signature>'");
        }
        Map<String, String> out = new HashMap<>(got);
        out.put(ListFormat.KEY_ID_HEADER.toLowerCase(Locale.ROOT), p[1]);
        out.put(ListFormat.SIGNATURE_HEADER.toLowerCase(Locale.ROOT), p[2]);
        return out;
    }

    /** Checks the signature against the pinned key (or one it rotated to), then parses and checks the header. */
    private ListFormat.Document verified(SubscriptionDao.Subscription s, Fetched f, Keys keys) {
        String where = MediaFetcher.redact(f.uri());
        String signature = f.headers().get(ListFormat.SIGNATURE_HEADER.toLowerCase(Locale.ROOT));
        String keyId = f.headers().get(ListFormat.KEY_ID_HEADER.toLowerCase(Locale.ROOT));
        if (signature == null || keyId == null) throw new SyncException(where + " is not signed (no " + ListFormat.SIGNATURE_HEADER + " / " + ListFormat.KEY_ID_HEADER + " headers, no .sig file)");
        PublicKey key = keys.resolve(keyId.trim());
        if (!key.verifyBase64(f.body(), signature)) {
            throw new SyncException("bad signature on " + where + " (key " + key.keyId() + "): the document was altered or signed by another key");
        }
        ListFormat.Document doc;
        try {
            ListFormat.Outline outline = format.outline(f.body());
            if (outline.snapshot() && outline.count() > limits.maxEntries()) {
                throw new SyncException("the list's snapshot has " + outline.count() + " entries, over this instance's"
                        + " limit of " + limits.maxEntries() + " (lists.max_entries); nothing was applied");
            }
            if (!outline.snapshot() && outline.count() > limits.maxChangesPerSync()) {
                throw new SyncException(where + " holds " + outline.count() + " changes in one page, over this"
                        + " instance's limit of " + limits.maxChangesPerSync() + " (lists.max_changes_per_sync)");
            }
            doc = format.readDocument(f.body());
        } catch (ListFormat.FormatException e) {
            throw new SyncException(where + ": " + e.getMessage());
        }
        if (!s.url().equals(doc.list().id())) {
            throw new SyncException(where + " is a document of list " + doc.list().id() + ", not of " + s.url());
        }
        if (!key.keyId().equals(doc.list().keyId())) throw new SyncException(where + " names key " + doc.list().keyId() + " but is signed by " + key.keyId());
        String seqHeader = f.headers().get(ListFormat.SEQUENCE_HEADER.toLowerCase(Locale.ROOT));
        if (seqHeader != null && !seqHeader.trim().equals(String.valueOf(doc.sequence()))) {
            throw new SyncException(where + ": " + ListFormat.SEQUENCE_HEADER + " " + seqHeader + " differs from the document's " + doc.sequence());
        }
        return doc;
    }

    /** The pinned key, following signed rotation statements to newer keys when a document needs one. */
    private final class Keys {
        private final SubscriptionDao.Subscription s;
        private PublicKey current;
        private final String pinnedId;

        Keys(SubscriptionDao.Subscription s) {
            this.s = s;
            this.pinnedId = s.keyId();
            this.current = s.publicKey() == null ? null : PublicKey.fromBase64(s.publicKey());
        }

        PublicKey resolve(String keyId) {
            if (current != null && current.keyId().equals(keyId)) return current;
            ListFormat.KeyDocument doc = keyDocument();
            if (current == null) {
                PublicKey offered = PublicKey.fromBase64(doc.publicKey());
                if (!offered.keyId().equals(pinnedId)) {
                    throw new SyncException("the list's key " + offered.keyId() + " is not the pinned key " + pinnedId);
                }
                current = offered;
                if (current.keyId().equals(keyId)) return current;
            }
            PublicKey walk = current;
            for (ListFormat.SignedRotation r : doc.rotations() == null ? List.<ListFormat.SignedRotation>of() : doc.rotations()) {
                byte[] statement;
                try {
                    statement = Base64.getDecoder().decode(r.statementBase64());
                } catch (IllegalArgumentException e) {
                    throw new SyncException("key rotation statement is not base64");
                }
                ListFormat.Rotation rot;
                try {
                    rot = format.readRotation(statement);
                } catch (ListFormat.FormatException e) {
                    throw new SyncException("key rotation: " + e.getMessage());
                }
                if (!walk.keyId().equals(rot.oldKeyId())) continue;
                if (!walk.verifyBase64(statement, r.signature())) {
                    throw new SyncException("key rotation statement from " + rot.oldKeyId() + " to " + rot.newKeyId()
                            + " is not signed by the key it retires; refused");
                }
                PublicKey next = PublicKey.fromBase64(rot.newPublicKey());
                if (!next.keyId().equals(rot.newKeyId())) throw new SyncException("key rotation statement's new key id does not match its key");
                walk = next;
                if (walk.keyId().equals(keyId)) {
                    current = walk;
                    return current;
                }
            }
            throw new SyncException("document signed by unknown key " + keyId + " (pinned key " + current.keyId()
                    + ", and no rotation statement signed by it leads there)");
        }

        private ListFormat.KeyDocument keyDocument() {
            Fetched f = fetch(s, URI.create(s.url() + "/key"));
            try {
                return format.readKey(f.body());
            } catch (ListFormat.FormatException e) {
                throw new SyncException(s.url() + "/key: " + e.getMessage());
            }
        }
    }
}
