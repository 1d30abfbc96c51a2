package org.sightline.federation;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.banks.BankMode;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.common.Refusal;
import org.sightline.store.Columns;
import org.sightline.banks.BankService;
import org.sightline.banks.Labels;
import org.sightline.config.SecretBox;
import org.sightline.fetch.MediaFetcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Subscriptions to other instances' lists: adding and changing them, syncing (documents read and verified by
 * {@link ListReader}, then applied atomically to the subscription's {@code subscribed} bank, with retroactive
 * matching and {@link FloodControl}) and rollback.
 */
public final class SubscriptionService {
    private static final Logger log = LoggerFactory.getLogger(SubscriptionService.class);
    private static final int SAMPLES = 5;

    private final Jdbi jdbi;
    private final BankService banks;
    private final SecretBox secrets;
    private final RetroMatcher retro;
    private final Clock clock;
    private final Limits limits;
    private final KeyFiles ownKeys;
    private final ListReader reader;
    private final FloodControl flood;
    /** One sync of a subscription at a time on this node (other nodes: the row lock when applying). */
    private final Map<Long, ReentrantLock> running = new ConcurrentHashMap<>();

    /**
     * What one publisher may make this instance hold: {@code maxEntries} active entries per list,
     * {@code maxChangesPerSync} changes fetched in one sync (the rest wait for the next), and a page may retract
     * at most {@code maxRetractShare} of the list's active entries before it is refused with an alert.
     */
    public record Limits(long maxEntries, int maxChangesPerSync, double maxRetractShare) {
    }

    /**
     * @param ownKeys this instance's own list-signing key, if it has one (read each time: {@code keygen} may run
     *                while the server does), so that it never subscribes to its own lists
     */
    public SubscriptionService(Jdbi jdbi, BankService banks, MediaFetcher fetcher, SecretBox secrets, RetroMatcher retro,
                               Clock clock, long floodMaxPerHour, Limits limits, KeyFiles ownKeys) {
        this.limits = limits;
        this.ownKeys = ownKeys;
        this.jdbi = jdbi;
        this.banks = banks;
        this.secrets = secrets;
        this.retro = retro;
        this.clock = clock;
        this.reader = new ListReader(fetcher, secrets, banks, limits);
        this.flood = new FloodControl(jdbi, banks, clock, floodMaxPerHour);
    }

    /** Why a sync whose job was cancelled after reading applied nothing. */
    static final String CANCELLED = "cancelled before applying; nothing was applied";

    /**
     * What a sync did: the diff preview, and how many entries of signal types this instance does not know it
     * skipped ({@code skippedTypes} names them).
     */
    public record SyncResult(long fromSeq, long toSeq, int added, int retracted, List<String> samples,
                             int retroactiveMatches, int casesOpened, int skipped, List<String> skippedTypes) {
        /** "skipped N entries of unknown types (x, y)", or null when nothing was skipped. */
        public String notice() {
            return skippedNotice(skipped, skippedTypes == null ? null : String.join(", ", skippedTypes));
        }
    }

    /** What the admin reads about skipped entries of unknown types; null when there were none. */
    public static String skippedNotice(int skipped, String types) {
        if (skipped <= 0) return null;
        return "skipped " + skipped + (skipped == 1 ? " entry of an unknown type (" : " entries of unknown types (")
                + (types == null ? "" : types) + "): this Sightline cannot match them; a newer version may";
    }

    /** A sample line's value, cut: a vpdq value holds up to 1000 frames. */
    private static String sampleValue(String value) {
        return value == null || value.length() <= 80 ? value : value.substring(0, 80) + "\u2026";
    }

    /**
     * Adds a subscription (it syncs later, on schedule or on demand). {@code key} is the pinned key: a
     * fingerprint (64 hex digits) or the base64 public key. New subscriptions observe unless told otherwise.
     */
    public SubscriptionDao.Subscription subscribe(String url, String key, String mode, String policy, String token,
                                                  String bankName) {
        URI uri;
        try {
            uri = URI.create(url == null ? "" : url.trim());
        } catch (IllegalArgumentException e) {
            throw Refusal.invalid("url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null || uri.getRawQuery() != null) {
            throw Refusal.invalid("url must be the http(s) URL of a list, e.g. https://example.org/lists/name");
        }
        // every entry records the URL as its source_list and "list:<url>" as added_by: it must fit both
        int maxUrl = Math.min(Columns.ENTRY_SOURCE_LIST, Columns.ENTRY_ADDED_BY - "list:".length());
        if (uri.toString().length() > maxUrl) throw Refusal.invalid("url is over " + maxUrl + " characters");
        if (token != null && tooLong(token)) throw Refusal.invalid("token is over 1000 bytes");
        if (key == null || key.isBlank()) throw Refusal.invalid("key is required: the list's key fingerprint or public key");
        String keyId;
        String publicKey = null;
        String k = key.trim();
        if (PublicKey.KEY_ID.matcher(k.toLowerCase(Locale.ROOT)).matches()) {
            keyId = k.toLowerCase(Locale.ROOT);
        } else {
            try {
                PublicKey pk = PublicKey.fromBase64(k);
                keyId = pk.keyId();
                publicKey = pk.base64();
            } catch (IllegalArgumentException e) {
                throw Refusal.invalid("key must be a 64-hex-digit fingerprint or a base64 Ed25519 public key");
            }
        }
        if (ownKeys.load().map(SigningKey::keyId).filter(keyId::equals).isPresent()) {
            throw Refusal.invalid("this is one of this instance's own lists (signed with its own key " + keyId
                    + "): an instance cannot subscribe to itself");
        }
        String name = bankName != null ? bankName : defaultBankName(uri);
        String sealed = token == null || token.isBlank() ? null : secrets.seal(token, "list-token");
        String normalized = uri.toString().replaceAll("/+$", "");
        String pk = publicKey;
        long[] id = new long[1];
        // the bank and its subscription are created together: a refused subscription leaves no orphan bank
        banks.create(new BankService.BankSpec(name, "subscribed", policy == null ? "review" : policy,
                        mode == null ? "observe" : mode, List.of(), null, null, null),
                (h, bank) -> {
                    SubscriptionDao d = h.attach(SubscriptionDao.class);
                    // a second subscription to one list would hold each of its entries twice
                    List<Long> existing = d.findByUrl(normalized);
                    if (!existing.isEmpty()) {
                        throw Refusal.conflict("already subscribed to " + normalized + " (subscription "
                                + existing.get(0) + "; change its token or mode instead)");
                    }
                    id[0] = d.insert(normalized, bank.id(), keyId, pk, sealed, now());
                });
        return get(id[0]);
    }

    /** Sealed, a token of up to 1000 bytes fits its column whatever its characters. */
    private static boolean tooLong(String token) {
        return token.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 1000;
    }

    public SubscriptionDao.Subscription get(long id) {
        return jdbi.withExtension(SubscriptionDao.class, d -> d.find(id))
                .orElseThrow(() -> Refusal.notFound("no subscription " + id));
    }

    public List<SubscriptionDao.Subscription> list() {
        return jdbi.withExtension(SubscriptionDao.class, SubscriptionDao::list);
    }

    public Bank bank(SubscriptionDao.Subscription s) {
        return banks.cached(s.bankId()).orElseThrow(() -> new IllegalStateException("bank " + s.bankId() + " missing"));
    }

    /**
     * Distinct media this subscription's entries matched since {@code since}: in observe mode, what it would
     * have acted on — the figure an admin looks at before switching it to enforce.
     */
    public long matchedMedia(SubscriptionDao.Subscription s, java.time.Instant since) {
        return jdbi.withExtension(SubscriptionDao.class, d -> d.distinctMediaMatchedSince(s.bankId(), since));
    }

    /** The notice of the latest sync that applied something (skipped entries of unknown types), or null. */
    public String lastNotice(long id) {
        return jdbi.withExtension(SubscriptionDao.class, d -> d.lastApplied(id))
                .map(SubscriptionDao.SyncRecord::notice).orElse(null);
    }

    public List<SubscriptionDao.SyncRecord> syncs(long id, int n) {
        return jdbi.withExtension(SubscriptionDao.class, d -> d.recentSyncs(id, n));
    }

    public List<SubscriptionDao.Alert> recentAlerts() {
        return jdbi.withExtension(SubscriptionDao.class, SubscriptionDao::recentAlerts);
    }

    public List<SubscriptionDao.Alert> alerts(long id) {
        return jdbi.withExtension(SubscriptionDao.class, d -> d.alerts(id));
    }

    /**
     * Switches the subscription's bank between {@code observe} and {@code enforce}, pauses or resumes it, and
     * sets the token a subscribers-only list needs ({@code ""} removes it); null leaves each as it is.
     */
    public SubscriptionDao.Subscription update(long id, String mode, Boolean paused, String token) {
        SubscriptionDao.Subscription s = get(id);
        if (token != null) {
            if (tooLong(token)) throw Refusal.invalid("token is over 1000 bytes");
            String sealed = token.isBlank() ? null : secrets.seal(token.strip(), "list-token");
            jdbi.useExtension(SubscriptionDao.class, d -> d.setToken(id, sealed));
        }
        if (mode != null) {
            banks.update(bank(s).name(), new BankService.BankSpec(null, null, null, mode, null, null, null, null));
        }
        if (paused != null) jdbi.useExtension(SubscriptionDao.class, d -> d.setPaused(id, paused));
        return get(id);
    }

    /** Syncs every subscription that is not paused; errors are stored on each, never thrown. */
    public void syncAll() {
        for (SubscriptionDao.Subscription s : list()) {
            if (s.paused()) continue;
            try {
                sync(s.id());
            } catch (SyncException e) {
                // stored on the subscription by sync()
            } catch (RuntimeException | OutOfMemoryError e) {
                // one subscription's failure (even running out of memory) never stops the others
                log.warn("event=list_sync_failed subscription={} error={}", s.id(), e.getClass().getSimpleName());
                // never leave last_error empty after a failed sync: the admin looks there first
                try {
                    refuse(s, "sync failed on an internal error (" + e.getClass().getSimpleName() + "); see the server log");
                } catch (RuntimeException stillFailing) {
                    // the database itself is failing: the log line above is all there is
                }
            }
            try {
                checkFlood(s.id());
            } catch (RuntimeException e) {
                log.warn("event=list_flood_check_failed subscription={} error={}", s.id(), e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Fetches and verifies everything since the last sequence (first time: the snapshot), then applies it in
     * one transaction. Any refusal stores the reason on the subscription and changes nothing.
     */
    public SyncResult sync(long id) {
        return sync(id, changes -> true);
    }

    /**
     * {@link #sync(long)}, telling {@code onRead} how many changes were read and passed the limits, before applying
     * them; when it answers false (the job was cancelled) nothing is applied and the sync is refused as cancelled.
     */
    public SyncResult sync(long id, java.util.function.IntPredicate onRead) {
        ReentrantLock lock = running.computeIfAbsent(id, x -> new ReentrantLock());
        if (!lock.tryLock()) throw new SyncException("a sync of this subscription is already running");
        try {
            SubscriptionDao.Subscription s = get(id);
            ListReader.Plan plan;
            try {
                plan = reader.read(s);
                checkLimits(s, plan);
            } catch (SyncException e) {
                refuse(s, e.getMessage());
                throw e;
            } catch (OutOfMemoryError e) {
                String msg = "ran out of memory reading the list; nothing was applied (lower lists.max_changes_per_sync"
                        + " or lists.max_entries, or give the server more heap)";
                refuse(s, msg);
                throw new SyncException(msg);
            }
            if (!onRead.test(plan.changes().size())) throw new SyncException(CANCELLED);
            SyncResult result = apply(s, plan);
            log.info("event=list_synced subscription={} from={} to={} added={} retracted={} retro_matches={} skipped={}",
                    id, result.fromSeq(), result.toSeq(), result.added(), result.retracted(), result.retroactiveMatches(),
                    result.skipped());
            return result;
        } finally {
            lock.unlock();
        }
    }

    /** The list stays within {@code lists.max_entries}, and no sync retracts a large share of it silently. */
    private void checkLimits(SubscriptionDao.Subscription s, ListReader.Plan plan) {
        long adds = 0, retracts = 0;
        for (ListFormat.Change c : plan.changes()) {
            if (ListFormat.ADD.equals(c.op())) adds++;
            else retracts++;
        }
        long active = plan.snapshot() ? 0 : banks.countActive(s.bankId());
        if (active + adds - retracts > limits.maxEntries()) {
            throw new SyncException("the list would hold " + (active + adds - retracts) + " entries, over this instance's"
                    + " limit of " + limits.maxEntries() + " (lists.max_entries); nothing was applied");
        }
        if (!plan.snapshot() && retracts >= 10 && retracts > limits.maxRetractShare() * active) {
            String msg = "changes " + plan.fromSeq() + ".." + plan.toSeq() + " retract " + retracts + " of the list's "
                    + active + " active entries, over the share allowed (lists.max_retract_share "
                    + limits.maxRetractShare() + "); nothing was applied: check with the publisher, then roll back or"
                    + " raise the limit";
            jdbi.useExtension(SubscriptionDao.class, d -> d.insertAlert(s.id(), "mass_retraction", msg, now()));
            log.warn("event=list_mass_retraction subscription={} retracts={} active={}", s.id(), retracts, active);
            throw new SyncException(msg);
        }
    }

    private void refuse(SubscriptionDao.Subscription s, String reason) {
        String msg = reason.length() > 1000 ? reason.substring(0, 1000) : reason;
        Instant now = now();
        jdbi.useTransaction(h -> {
            SubscriptionDao d = h.attach(SubscriptionDao.class);
            d.failed(s.id(), msg, now);
            d.insertSync(s.id(), "refused", s.lastSeq(), s.lastSeq(), 0, 0, "[]", msg, now, 0, null);
        });
        log.warn("event=list_sync_refused subscription={} reason=\"{}\"", s.id(), msg);
    }


    private SyncResult apply(SubscriptionDao.Subscription s, ListReader.Plan plan) {
        Bank bank = bank(s);
        // net effect: an add retracted within the same batch is never inserted
        Set<Long> retractedRefs = new HashSet<>();
        for (ListFormat.Change c : plan.changes()) if (ListFormat.RETRACT.equals(c.op())) retractedRefs.add(c.ref());
        List<BankService.NewEntry> adds = new ArrayList<>();
        List<Long> retractRefs = new ArrayList<>();
        List<String> samples = new ArrayList<>();
        int added = 0, retracted = 0;
        for (ListFormat.Change c : plan.changes()) {
            if (ListFormat.ADD.equals(c.op())) {
                added++;
                if (samples.size() < SAMPLES) samples.add("+ " + c.seq() + " " + c.signalType() + " " + sampleValue(c.value()));
                if (!retractedRefs.contains(c.seq())) {
                    adds.add(new BankService.NewEntry(c.signalType(), c.value(), c.labels(), ListReader.note(c), s.url(), c.seq()));
                }
            } else {
                retracted++;
                if (samples.size() < SAMPLES * 2) samples.add("- " + c.seq() + " retracts " + c.ref() + " " + c.signalType() + " " + sampleValue(c.value()));
                retractRefs.add(c.ref());
            }
        }
        Set<Long> fromEarlier = new HashSet<>(retractRefs);
        for (ListFormat.Change c : plan.changes()) if (ListFormat.ADD.equals(c.op())) fromEarlier.remove(c.seq());
        Map<Long, Long> entryIds = banks.activeBySourceSeq(s.bankId(), new ArrayList<>(fromEarlier));
        List<Long> retractIds = new ArrayList<>(entryIds.values());
        List<SubscriptionDao.ReceivedChange> log = new ArrayList<>(plan.changes().size());
        for (ListFormat.Change c : plan.changes()) {
            log.add(new SubscriptionDao.ReceivedChange(s.id(), c.seq(), c.op(), c.ref(), c.signalType(),
                    org.sightline.matching.SignalType.parse(c.signalType()).normalize(c.value()),
                    Labels.join(Labels.validate(c.labels() == null ? List.of() : c.labels())), ListReader.note(c)));
        }
        String samplesJson = toJson(samples);
        String skippedTypes = plan.skipped() == 0 ? null : Columns.truncate(String.join(", ", plan.skippedTypes()), 200);
        int fAdded = added, fRetracted = retracted;
        Instant now = now();
        BankService.Applied applied;
        try {
            applied = banks.applyAtomically(bank.name(), adds, retractIds, "list:" + s.url(), h -> {
                SubscriptionDao d = h.attach(SubscriptionDao.class);
                SubscriptionDao.Subscription locked = d.lock(s.id()).orElseThrow();
                if (locked.lastSeq() != s.lastSeq() || !java.util.Objects.equals(locked.baseSeq(), s.baseSeq())) {
                    throw new SyncException("the subscription changed during the sync (another node synced it); try again");
                }
                for (int i = 0; i < log.size(); i += 5000) d.insertChanges(log.subList(i, Math.min(log.size(), i + 5000)));
                d.synced(s.id(), plan.toSeq(), plan.listName(), plan.publisher(), plan.key().keyId(), plan.key().base64(), now);
                d.insertSync(s.id(), plan.snapshot() ? "snapshot" : "changes", plan.fromSeq(), plan.toSeq(), fAdded,
                        fRetracted, samplesJson, null, now, plan.skipped(), skippedTypes);
            });
        } catch (SyncException e) {
            refuse(s, e.getMessage());
            throw e;
        } catch (Refusal e) {
            refuse(s, "cannot apply: " + e.getMessage());
            throw new SyncException("cannot apply: " + e.getMessage());
        }
        // Retroactive matching of recent media against what arrived.
        Set<Long> newIds = new HashSet<>();
        for (BankEntry e : applied.added()) newIds.add(e.id());
        Map<Long, List<BankService.BankMatch>> found = retro.find(newIds);
        boolean act = bank(s).mode() == BankMode.ENFORCE;
        // media matched late count towards the flood limit too: past it, they are recorded but not acted on
        if (act && !found.isEmpty() && flood.wouldTrip(s, found.size())) act = false;
        int opened = found.isEmpty() ? 0 : retro.record(found, act);
        return new SyncResult(plan.fromSeq(), plan.toSeq(), fAdded, fRetracted, samples, found.size(), opened,
                plan.skipped(), plan.skippedTypes());
    }

    /**
     * Flood control as a live match is recorded ({@link org.sightline.ingest.FloodGate}): a match in a
     * subscription's enforce-mode bank counts unless it takes the list past its hourly limit, which trips it.
     */
    public boolean admit(long bankId, long mediaId) {
        Optional<SubscriptionDao.Subscription> s = jdbi.withExtension(SubscriptionDao.class, d -> d.findByBank(bankId));
        return s.isEmpty() || !flood.wouldTripWith(s.get(), mediaId);
    }

    /** Flood control of one subscription (see {@link FloodControl}); whether it tripped now. */
    public boolean checkFlood(long id) {
        return flood.check(get(id));
    }

    public void checkFloodAll() {
        for (SubscriptionDao.Subscription s : list()) {
            try {
                flood.check(s);
            } catch (RuntimeException e) {
                // one subscription's failure never stops the check of the others
                log.warn("event=list_flood_check_failed subscription={} error={}", s.id(), e.getClass().getSimpleName());
            }
        }
    }

    /**
     * Resets the subscription to {@code seq} (at or after its first snapshot): its bank then holds exactly the
     * entries active at {@code seq}. The subscription is paused so the next scheduled sync does not undo it.
     */
    public SyncResult rollback(long id, long seq) {
        ReentrantLock lock = running.computeIfAbsent(id, x -> new ReentrantLock());
        if (!lock.tryLock()) throw Refusal.conflict("a sync of this subscription is running");
        try {
            SubscriptionDao.Subscription s = get(id);
            if (s.baseSeq() == null) throw Refusal.invalid("this subscription has not synced yet");
            if (seq < s.baseSeq() || seq > s.lastSeq()) {
                throw Refusal.invalid("rollback sequence must be between " + s.baseSeq() + " (first snapshot) and "
                        + s.lastSeq() + ", got " + seq);
            }
            // the state at seq, from the changes received up to it
            Map<Long, SubscriptionDao.ReceivedChange> activeAt = new LinkedHashMap<>();
            for (SubscriptionDao.ReceivedChange c : jdbi.withExtension(SubscriptionDao.class, d -> d.changesUpTo(id, seq))) {
                if (ListFormat.ADD.equals(c.op())) activeAt.put(c.seq(), c);
                else activeAt.remove(c.refSeq());
            }
            Bank bank = bank(s);
            Map<Long, Long> current = new HashMap<>(); // source seq -> entry id
            banks.forEachEntry(bank.name(), false, e -> {
                if (e.sourceSeq() != null) current.put(e.sourceSeq(), e.id());
            });
            List<Long> retractIds = new ArrayList<>();
            for (Map.Entry<Long, Long> e : current.entrySet()) if (!activeAt.containsKey(e.getKey())) retractIds.add(e.getValue());
            List<BankService.NewEntry> adds = new ArrayList<>();
            for (SubscriptionDao.ReceivedChange c : activeAt.values()) {
                if (!current.containsKey(c.seq())) {
                    adds.add(new BankService.NewEntry(c.signalType(), c.signalValue(), Labels.split(c.labels()), c.note(), s.url(), c.seq()));
                }
            }
            Instant now = now();
            List<String> samples = List.of("rollback to " + seq);
            banks.applyAtomically(bank.name(), adds, retractIds, "rollback", h -> {
                SubscriptionDao d = h.attach(SubscriptionDao.class);
                SubscriptionDao.Subscription locked = d.lock(id).orElseThrow();
                if (locked.lastSeq() != s.lastSeq() || !java.util.Objects.equals(locked.baseSeq(), s.baseSeq())) {
                    throw Refusal.conflict("the subscription changed during the rollback (another node synced it); try again");
                }
                d.forgetAfter(id, seq);
                d.rolledBack(id, seq);
                d.insertSync(id, "rollback", s.lastSeq(), seq, adds.size(), retractIds.size(), toJson(samples), null, now,
                        0, null);
            });
            return new SyncResult(s.lastSeq(), seq, adds.size(), retractIds.size(), samples, 0, 0, 0, List.of());
        } finally {
            lock.unlock();
        }
    }

    /** What {@link #remove} did. */
    public record Removed(long id, String url, String bank, int retracted) {
    }

    /**
     * Removes a subscription: every active entry of its bank is retracted in one transaction (so each retraction
     * revisits the cases it was evidence in), the subscription stops syncing and its list token is destroyed;
     * {@code alsoInTransaction} (its audit event) commits with it. Then its bank is removed too, unless something
     * still holds it (a list of this instance republishing it): then it stays, empty.
     */
    public Removed remove(long id, String actor, Consumer<Handle> alsoInTransaction) {
        ReentrantLock lock = running.computeIfAbsent(id, x -> new ReentrantLock());
        if (!lock.tryLock()) throw Refusal.conflict("a sync of this subscription is running; try again in a moment");
        try {
            SubscriptionDao.Subscription s = get(id);
            Bank bank = bank(s);
            List<Long> active = new ArrayList<>();
            banks.forEachEntry(bank.name(), false, e -> active.add(e.id()));
            banks.applyAtomically(bank.name(), List.of(), active, "subscription removed", h -> {
                if (h.attach(SubscriptionDao.class).remove(id, now()) != 1) {
                    throw Refusal.notFound("subscription " + id + " was removed meanwhile");
                }
                alsoInTransaction.accept(h);
            });
            try {
                banks.remove(bank.name(), actor, true, h -> { });
            } catch (Refusal e) {
                log.info("event=subscription_bank_kept subscription={} bank={} reason=\"{}\"", id, bank.name(), e.getMessage());
            }
            return new Removed(id, s.url(), bank.name(), active.size());
        } finally {
            lock.unlock();
        }
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    private static String toJson(List<String> samples) {
        try {
            return JSON.writeValueAsString(samples);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private String defaultBankName(URI uri) {
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("/+$", "");
        String last = path.substring(path.lastIndexOf('/') + 1);
        String base = ("sub-" + uri.getHost() + "-" + last).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_.-]", "-");
        if (base.length() > 56) base = base.substring(0, 56);
        Set<String> taken = new HashSet<>();
        for (Bank b : banks.list()) taken.add(b.name());
        String name = base;
        for (int i = 2; taken.contains(name); i++) name = base + "-" + i;
        return name;
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

}
