package org.sightline.banks;

import org.sightline.store.Sql;
import org.sightline.common.Refusal;
import org.sightline.store.Columns;

import org.jdbi.v3.core.Handle;
import org.sightline.audit.AuditLog;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Banks and entries: validation, storage, and keeping the in-memory index in step with the database (the index
 * is updated only after the transaction commits, so it never holds an entry the database lost).
 */
public final class BankService {
    /** Sightline's own names, or HMA's {@code UPPER_WITH_UNDERSCORE} ones (banks created through the HMA API). */
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,63}|[A-Z_][A-Z0-9_]{0,63}");
    private static final int PAGE = 10_000;

    private final Jdbi jdbi;
    private final Matcher matcher;
    private final Clock clock;
    private final Map<Long, Bank> banksById = new ConcurrentHashMap<>();
    private final boolean announce;
    private final List<EntryHook> hooks = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Where changes made for an actor are recorded, in their own transaction; null: not audited (tests). */
    private final AuditLog audit;
    /**
     * Bumped whenever the index may have missed a committed change (an update after a commit failed, or a check
     * found it out of step with the database); {@link #repairIndex} clears it only if nothing new went wrong
     * while it ran.
     */
    private final java.util.concurrent.atomic.AtomicLong staleMarks = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong repairedMarks = new java.util.concurrent.atomic.AtomicLong();

    /**
     * Called inside the transaction of every add and retraction, so that what it writes (a published list's
     * change log) commits or rolls back with the bank change.
     */
    public interface EntryHook {
        void added(Handle h, Bank bank, List<BankEntry> entries);

        void retracted(Handle h, Bank bank, List<BankEntry> entries, Instant at);
    }

    public void addHook(EntryHook hook) {
        hooks.add(hook);
    }

    /**
     * Asked, inside the removing transaction, whether something still holds a bank (a list publishing it, open
     * cases it is evidence in): the reason it cannot be removed yet, or null.
     */
    @FunctionalInterface
    public interface RemovalCheck {
        String holds(Handle h, Bank bank);
    }

    private final List<RemovalCheck> removalChecks = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void addRemovalCheck(RemovalCheck check) {
        removalChecks.add(check);
    }

    /**
     * @param announceChanges announce every change with PostgreSQL {@code NOTIFY} (in its transaction), for the
     *                        {@link ChangeListener}s of other nodes sharing the database
     * @param audit where the changes of the methods taking an {@code actor} are recorded, in the change's own
     *              transaction (null: not audited)
     */
    public BankService(Jdbi jdbi, Matcher matcher, Clock clock, boolean announceChanges, AuditLog audit) {
        this.audit = audit;
        this.jdbi = jdbi;
        this.matcher = matcher;
        this.clock = clock;
        this.announce = announceChanges;
    }

    /** Sends a change notice within the caller's transaction; delivered only if it commits. */
    private void announce(Handle h, String notice) {
        // The payload is built here from numbers only, so it can be inlined (NOTIFY takes no parameters).
        if (announce) h.execute("NOTIFY " + ChangeListener.CHANNEL + ", '" + notice + "'");
    }

    /** Applies a change notice from {@link ChangeListener} (this node's own notices are no-ops: adds dedupe). */
    void applyChange(String notice) {
        String[] p = notice.split(" ");
        // another node committed the change: if applying it here fails, the index is repaired from the database
        afterCommit("another node's change '" + p[0] + "'", () -> {
            switch (p[0]) {
                case "add" -> {
                    List<EntryDao.IndexRow> rows = jdbi.onDemand(EntryDao.class).activeBetween(Long.parseLong(p[1]), Long.parseLong(p[2]));
                    List<Matcher.IndexedEntry> entries = new ArrayList<>(rows.size());
                    for (EntryDao.IndexRow r : rows) entries.add(indexed(r));
                    matcher.addAll(entries);
                }
                case "retract" -> jdbi.onDemand(EntryDao.class).findById(Long.parseLong(p[1]))
                        .filter(e -> BankEntry.RETRACTED.equals(e.state()))
                        .ifPresent(e -> matcher.retract(indexed(e)));
                // banks are never deleted, only archived or removed: the row is always there
                case "bank" -> jdbi.onDemand(BankDao.class).findById(Long.parseLong(p[1])).ifPresent(this::rememberOrForget);
                default -> org.slf4j.LoggerFactory.getLogger(BankService.class).warn("unknown bank change notice '{}'", notice);
            }
        });
    }

    /** Re-reads every bank and entry, adding what the index lacks and retracting what was retracted. */
    void resync() {
        for (Bank b : jdbi.onDemand(BankDao.class).listAll()) rememberOrForget(b);
        List<Matcher.IndexedEntry> batch = new ArrayList<>(PAGE);
        forEachActive(e -> {
            batch.add(e);
            if (batch.size() == PAGE) {
                matcher.addAll(batch);
                batch.clear();
            }
        });
        matcher.addAll(batch);
        EntryDao dao = jdbi.onDemand(EntryDao.class);
        long after = 0;
        while (true) {
            List<EntryDao.IndexRow> page = dao.retractedPage(after, PAGE);
            for (EntryDao.IndexRow r : page) matcher.retract(indexed(r));
            if (page.size() < PAGE) break;
            after = page.get(page.size() - 1).id();
        }
    }

    /** Every active entry of a matching bank, in id order, read page by page. */
    private void forEachActive(Consumer<Matcher.IndexedEntry> sink) {
        EntryDao dao = jdbi.onDemand(EntryDao.class);
        long after = 0;
        while (true) {
            List<EntryDao.IndexRow> page = dao.activePage(after, PAGE);
            for (EntryDao.IndexRow r : page) sink.accept(indexed(r));
            if (page.size() < PAGE) return;
            after = page.get(page.size() - 1).id();
        }
    }

    /**
     * Whether the index holds what the database says it should. False from a failed update after a commit
     * until {@link #repairIndex} has rebuilt it; {@code /readyz} reports it.
     */
    public boolean indexInStep() {
        return repairedMarks.get() >= staleMarks.get();
    }

    /**
     * Runs an index update for a change that has already committed. If it fails (an {@code OutOfMemoryError}
     * under load, a bug), the change stays committed and the caller's answer stays true; the index is marked out
     * of step so that {@link IndexGuard} rebuilds it from the database and {@code /readyz} says so meanwhile.
     */
    private void afterCommit(String change, Runnable indexUpdate) {
        try {
            indexUpdate.run();
        } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            markIndexStale("updating the index after " + change + " failed (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Marks the index out of step with the database; {@link IndexGuard} repairs it. */
    void markIndexStale(String why) {
        staleMarks.incrementAndGet();
        org.slf4j.LoggerFactory.getLogger(BankService.class).error("bank index out of step with the database: {};"
                + " it is rebuilt from the database, and /readyz reports not ready until then", why);
    }

    /**
     * Rebuilds the index from the database into a fresh generation and swaps it in; if entries changed while it
     * was building (the index version moved), re-reads once more so that those changes are in too. Clears the
     * stale mark it started from.
     */
    void repairIndex() {
        long mark = staleMarks.get();
        String before = jdbi.onDemand(BankDao.class).indexVersion().tag();
        for (Bank b : jdbi.onDemand(BankDao.class).list()) if (b.matching()) remember(b);
        matcher.rebuild(loader -> forEachActive(loader::accept));
        if (!before.equals(jdbi.onDemand(BankDao.class).indexVersion().tag())) resync();
        repairedMarks.accumulateAndGet(mark, Math::max);
    }

    /**
     * The signal types whose index content differs from the database's active entries (by count and id sum);
     * empty when they agree. A change between its commit and its index update shows here for a moment, so a
     * caller confirms a difference before acting on it.
     */
    List<SignalType> indexDifferences() {
        java.util.Map<SignalType, EntryDao.Fingerprint> stored = new java.util.EnumMap<>(SignalType.class);
        for (EntryDao.Fingerprint f : jdbi.onDemand(EntryDao.class).activeFingerprints()) {
            stored.put(SignalType.parse(f.signalType()), f);
        }
        List<SignalType> differ = new ArrayList<>();
        for (SignalType t : SignalType.values()) {
            EntryDao.Fingerprint f = stored.get(t);
            Matcher.Fingerprint held = matcher.fingerprint(t);
            long entries = f == null ? 0 : f.entries(), idSum = f == null ? 0 : f.idSum();
            if (held.count() != entries || held.idSum() != idSum) differ.add(t);
        }
        return differ;
    }

    /** How the index was last loaded at start: from the snapshot file or the database, and how long it took. */
    public record IndexLoad(String source, long entries, long millis) {
    }

    private volatile IndexLoad lastLoad;

    public IndexLoad lastIndexLoad() {
        return lastLoad;
    }

    /** Loads banks and every active entry into the index from the database; call once before serving. */
    public void loadIndex() {
        loadIndex(null);
    }

    /**
     * Loads banks and every active entry into the index; call once before serving. With a data directory, from
     * its snapshot file when the database is still at the snapshot's version (one sequential read), else from the
     * database, writing a fresh snapshot on the way.
     */
    public void loadIndex(java.nio.file.Path dataDir) {
        for (Bank b : jdbi.onDemand(BankDao.class).list()) if (b.matching()) remember(b);
        // read before the entries: a change committed meanwhile makes the next start read the database again
        BankDao banksDao = jdbi.onDemand(BankDao.class);
        BankDao.IndexVersion current = banksDao.indexVersion();
        if (current.databaseId() == null) {
            banksDao.nameDatabase(java.util.UUID.randomUUID().toString());
            current = banksDao.indexVersion(); // another node may have named it first
        }
        String version = current.tag();
        java.nio.file.Path snapshot = dataDir == null ? null : dataDir.resolve(IndexSnapshot.FILE);
        if (snapshot != null) IndexSnapshot.removeLeftovers(snapshot);
        org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(BankService.class);
        long started = System.nanoTime();
        if (snapshot != null && IndexSnapshot.usable(snapshot, version)) {
            try {
                long[] n = new long[1];
                matcher.rebuild(loader -> n[0] = IndexSnapshot.load(snapshot, loader));
                lastLoad = new IndexLoad("snapshot", n[0], (System.nanoTime() - started) / 1_000_000);
                log.info("event=bank_index_loaded source=snapshot entries={} ms={}", n[0], lastLoad.millis());
                return;
            } catch (RuntimeException e) {
                log.warn("the bank index snapshot could not be loaded ({}); loading from the database",
                        e.getClass().getSimpleName());
            }
        }
        IndexSnapshot.Writer writer = null;
        if (snapshot != null) {
            try {
                writer = new IndexSnapshot.Writer(snapshot, version);
            } catch (java.io.IOException e) {
                log.warn("cannot write the bank index snapshot ({}); the next start reads the database too",
                        e.getClass().getSimpleName());
            }
        }
        IndexSnapshot.Writer out = writer;
        long[] n = new long[1];
        try (out) {
            matcher.rebuild(loader -> forEachActive(e -> {
                loader.accept(e);
                if (out != null) out.add(e);
                n[0]++;
            }));
            if (out != null) out.commit();
        } catch (java.io.IOException e) {
            log.warn("writing the bank index snapshot failed ({}); the next start reads the database too",
                    e.getClass().getSimpleName());
        }
        lastLoad = new IndexLoad("database", n[0], (System.nanoTime() - started) / 1_000_000);
        log.info("event=bank_index_loaded source=database entries={} ms={}", n[0], lastLoad.millis());
    }

    /** What a caller may set on a bank; null fields keep their current value (or take the default). */
    public record BankSpec(String name, String kind, String policy, String mode, List<String> labels,
                           Integer pdqThreshold, Integer phashThreshold, Integer dhashThreshold) {
    }

    public Bank create(BankSpec spec) {
        return create(spec, (h, bank) -> { });
    }

    /**
     * Creates a bank and, in the same transaction, whatever must exist with it ({@code alsoInTransaction} gets
     * the new bank), so that a failure of either leaves neither.
     */
    public Bank create(BankSpec spec, java.util.function.BiConsumer<Handle, Bank> alsoInTransaction) {
        return create(spec, null, alsoInTransaction);
    }

    /** Creates a bank for {@code actor}: the {@code bank_create} audit event commits with it. */
    public Bank create(BankSpec spec, String actor) {
        return create(spec, actor, (h, bank) -> { });
    }

    /** Creates a bank for {@code actor} (null: not audited) with {@code alsoInTransaction} in its transaction. */
    public Bank create(BankSpec spec, String actor, java.util.function.BiConsumer<Handle, Bank> alsoInTransaction) {
        String name = spec.name() == null ? "" : spec.name().trim();
        if (!NAME.matcher(name).matches()) {
            throw Refusal.invalid(NAME_RULE);
        }
        Instant now = now();
        Bank b = new Bank(0, name,
                spec.kind() == null ? BankKind.LOCAL : BankKind.parse(spec.kind()),
                spec.policy() == null ? BankPolicy.REVIEW : BankPolicy.parse(spec.policy()),
                spec.mode() == null ? BankMode.ENFORCE : BankMode.parse(spec.mode()),
                Labels.join(Labels.validate(spec.labels() == null ? List.of() : spec.labels())),
                threshold("pdq", spec.pdqThreshold(), Bank.DEFAULT_PDQ_THRESHOLD, 31),
                threshold("phash", spec.phashThreshold(), Bank.DEFAULT_64BIT_THRESHOLD, 32),
                threshold("dhash", spec.dhashThreshold(), Bank.DEFAULT_64BIT_THRESHOLD, 32),
                now, now, null, null);
        if (jdbi.onDemand(BankDao.class).findByName(name).isPresent()) {
            throw Refusal.conflict("a bank named '" + name + "' already exists");
        }
        long id;
        try {
            id = jdbi.inTransaction(h -> {
                long newId = h.attach(BankDao.class).insert(b);
                alsoInTransaction.accept(h, withId(b, newId));
                audited(h, actor, "bank_create", "bank:" + name, "kind=" + b.kind().wireName() + " " + describe(b));
                announce(h, "bank " + newId);
                return newId;
            });
        } catch (UnableToExecuteStatementException e) {
            // Lost a race with another create of the same name: SQLSTATE 23505 (unique violation) on both databases.
            if (Sql.isUniqueViolation(e)) {
                throw Refusal.conflict("a bank named '" + name + "' already exists");
            }
            throw e;
        }
        Bank saved = withId(b, id);
        remember(saved);
        return saved;
    }

    /** Changes policy, mode, labels or thresholds; the kind and name are fixed once created. */
    public Bank update(String name, BankSpec spec) {
        return update(name, spec, null);
    }

    /** Changes a bank for {@code actor} (null: not audited); the {@code bank_update} event commits with it. */
    public Bank update(String name, BankSpec spec, String actor) {
        Bank old = get(name);
        if (spec.kind() != null && !spec.kind().equals(old.kind().wireName())) {
            throw Refusal.invalid("a bank's kind cannot be changed; create a new bank");
        }
        if (spec.name() != null && !spec.name().equals(old.name())) {
            throw Refusal.invalid("a bank's name cannot be changed");
        }
        Bank b = new Bank(old.id(), old.name(), old.kind(),
                spec.policy() == null ? old.policy() : BankPolicy.parse(spec.policy()),
                spec.mode() == null ? old.mode() : BankMode.parse(spec.mode()),
                spec.labels() == null ? old.labels() : Labels.join(Labels.validate(spec.labels())),
                threshold("pdq", spec.pdqThreshold(), old.pdqThreshold(), 31),
                threshold("phash", spec.phashThreshold(), old.phashThreshold(), 32),
                threshold("dhash", spec.dhashThreshold(), old.dhashThreshold(), 32),
                old.createdAt(), now(), old.archivedAt(), old.removedAt());
        jdbi.useTransaction(h -> {
            h.attach(BankDao.class).update(b);
            audited(h, actor, "bank_update", "bank:" + b.name(), describe(b));
            announce(h, "bank " + b.id());
        });
        rememberOrForget(b);
        return b;
    }

    private static final String NAME_RULE = "bank name must be 1-64 characters of a-z, 0-9, '_', '.', '-', starting"
            + " with a letter or digit (or, HMA-style, of A-Z, 0-9, '_', not starting with a digit)";

    /** Whether {@code name} is a valid bank name. */
    public static boolean validName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    /**
     * Renames a bank (HMA's {@code PUT /c/bank/{name}} with a new name). Lists and subscriptions refer to banks by
     * id and keep working; matches recorded earlier keep the old name they were recorded with.
     */
    public Bank rename(String oldName, String newName, String actor) {
        Bank old = get(oldName);
        if (oldName.equals(newName)) return old;
        if (!validName(newName)) throw Refusal.invalid(NAME_RULE);
        if (jdbi.onDemand(BankDao.class).findByName(newName).isPresent()) {
            throw Refusal.conflict("a bank named '" + newName + "' already exists");
        }
        Instant now = now();
        try {
            jdbi.useTransaction(h -> {
                lockForChange(h, old);
                h.attach(BankDao.class).rename(old.id(), newName, now);
                audited(h, actor, "bank_rename", "bank:" + newName, "from=" + oldName);
                announce(h, "bank " + old.id());
            });
        } catch (UnableToExecuteStatementException e) {
            if (Sql.isUniqueViolation(e)) throw Refusal.conflict("a bank named '" + newName + "' already exists");
            throw e;
        }
        Bank renamed = jdbi.onDemand(BankDao.class).findById(old.id()).orElseThrow();
        rememberOrForget(renamed);
        return renamed;
    }

    /**
     * HMA's {@code DELETE /c/bank/{name}} and an exchange's deletion: the bank is removed as {@link #remove} removes
     * it (its rows stay as the evidence of past cases, its name is freed, the same checks refuse it while a list
     * publishes it or undecided cases rest on it), with {@code alsoInTransaction} for what other packages keep
     * about it. Returns false when there was no such bank.
     *
     * @param bySubscription true for a bank fed from outside (an exchange), which only its feed may remove
     */
    public boolean delete(String name, String actor, boolean bySubscription, Consumer<Handle> alsoInTransaction) {
        if (jdbi.onDemand(BankDao.class).findByName(name).isEmpty()) return false;
        remove(name, actor, bySubscription, alsoInTransaction);
        return true;
    }

    public Bank get(String name) {
        return jdbi.onDemand(BankDao.class).findByName(name)
                .orElseThrow(() -> Refusal.notFound("no bank named '" + name + "'"));
    }

    public List<Bank> list() {
        return jdbi.onDemand(BankDao.class).list();
    }

    public Optional<Bank> cached(long bankId) {
        return Optional.ofNullable(banksById.get(bankId));
    }

    /** One entry by id, whatever its bank and state (the evidence of a case names it). */
    public Optional<BankEntry> entry(long entryId) {
        return jdbi.onDemand(EntryDao.class).findById(entryId);
    }

    /** Which of {@code entryIds} are still active, read in chunks (a shrinking feed can retract thousands at once). */
    public Set<Long> activeAmong(List<Long> entryIds) {
        Set<Long> active = new java.util.HashSet<>();
        EntryDao dao = jdbi.onDemand(EntryDao.class);
        for (int i = 0; i < entryIds.size(); i += 1000) {
            for (BankEntry e : dao.findByIds(entryIds.subList(i, Math.min(entryIds.size(), i + 1000)))) {
                if (BankEntry.ACTIVE.equals(e.state())) active.add(e.id());
            }
        }
        return active;
    }

    /** The active entries of a bank received from a list, by the list's sequence number: source seq → entry id. */
    public Map<Long, Long> activeBySourceSeq(long bankId, List<Long> sourceSeqs) {
        Map<Long, Long> out = new HashMap<>();
        if (sourceSeqs.isEmpty()) return out;
        for (int i = 0; i < sourceSeqs.size(); i += 1000) {
            List<Long> chunk = sourceSeqs.subList(i, Math.min(sourceSeqs.size(), i + 1000));
            jdbi.useHandle(h -> h.createQuery("SELECT id, source_seq FROM bank_entries WHERE bank_id = :bank"
                            + " AND state = 'active' AND source_seq IN (<seqs>)")
                    .bind("bank", bankId).bindList("seqs", chunk)
                    .map((rs, ctx) -> Map.entry(rs.getLong("source_seq"), rs.getLong("id")))
                    .forEach(e -> out.put(e.getKey(), e.getValue())));
        }
        return out;
    }

    public long countActive(long bankId) {
        return jdbi.onDemand(EntryDao.class).countActive(bankId);
    }

    /** An entry to add: the signal, its labels and note, and where it came from. */
    public record NewEntry(String signalType, String value, List<String> labels, String note, String sourceList,
                           Long sourceSeq) {
    }

    /**
     * Adds entries to a bank in one transaction (all or none), then makes them visible to matching.
     * Errors name the position of the offending entry (1-based).
     */
    public List<BankEntry> addEntries(String bankName, List<NewEntry> entries, String addedBy) {
        return addEntries(bankName, entries, addedBy, null);
    }

    /**
     * {@link #addEntries(String, List, String)} for {@code actor} (null: not audited): the {@code bank_add} event
     * (the count and the id range, never the values) commits with the entries.
     */
    public List<BankEntry> addEntries(String bankName, List<NewEntry> entries, String addedBy, String actor) {
        Bank bank = get(bankName);
        if (entries.isEmpty()) throw Refusal.invalid("no entries given");
        List<BankEntry> rows = validated(bank, entries, addedBy, now());
        List<BankEntry> saved = jdbi.inTransaction(h -> {
            List<BankEntry> added = insert(h, bank, rows);
            if (!added.isEmpty()) {
                audited(h, actor, "bank_add", "bank:" + bank.name(), "entries=" + added.size() + " ids="
                        + added.get(0).id() + ".." + added.get(added.size() - 1).id());
            }
            return added;
        });
        afterCommit("adding entries to bank '" + bank.name() + "'", () -> {
            List<Matcher.IndexedEntry> forIndex = new ArrayList<>(saved.size());
            for (BankEntry s : saved) forIndex.add(indexed(s));
            matcher.addAll(forIndex);
        });
        return saved;
    }

    private List<BankEntry> insert(Handle h, Bank bank, List<BankEntry> rows) {
        if (rows.isEmpty()) return List.of();
        // the bank as it is now, under its lock: an archive committed since it was read refuses the add
        if (!lockForChange(h, bank).matching()) {
            throw Refusal.conflict("bank '" + bank.name() + "' is archived: it takes no new entries");
        }
        long[] ids = h.attach(EntryDao.class).insertAll(rows);
        indexChanged(h);
        long min = Long.MAX_VALUE, max = Long.MIN_VALUE;
        for (long id : ids) {
            min = Math.min(min, id);
            max = Math.max(max, id);
        }
        announce(h, "add " + min + " " + max);
        List<BankEntry> saved = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            BankEntry r = rows.get(i);
            saved.add(new BankEntry(ids[i], r.bankId(), r.signalType(), r.signalValue(), r.labels(), r.note(),
                    r.addedBy(), r.sourceList(), r.sourceSeq(), r.state(), r.createdAt(), null, null));
        }
        for (EntryHook hook : hooks) hook.added(h, bank, saved);
        return saved;
    }

    private List<BankEntry> validated(Bank bank, List<NewEntry> entries, String addedBy, Instant now) {
        List<BankEntry> rows = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            NewEntry e = entries.get(i);
            try {
                SignalType type = SignalType.parse(e.signalType());
                String value = type.normalize(e.value());
                String labels = Labels.join(Labels.validate(e.labels() == null ? List.of() : e.labels()));
                tooLong("note", e.note(), Columns.ENTRY_NOTE);
                tooLong("source_list", e.sourceList(), Columns.ENTRY_SOURCE_LIST);
                tooLong("added_by", addedBy, Columns.ENTRY_ADDED_BY);
                rows.add(new BankEntry(0, bank.id(), type.wireName(), value, labels, e.note(), addedBy,
                        e.sourceList(), e.sourceSeq(), BankEntry.ACTIVE, now, null, null));
            } catch (IllegalArgumentException | Refusal ex) {
                throw Refusal.invalid("entry " + (i + 1) + ": " + ex.getMessage());
            }
        }
        return rows;
    }

    /** Entries added to the in-memory index at a time after a commit. */
    private static final int INDEX_BATCH = 10_000;

    private static void tooLong(String field, String value, int limit) {
        String reason = Columns.overLimit(field, value, limit);
        if (reason != null) throw Refusal.invalid(reason);
    }

    /** What {@link #applyAtomically} did. */
    public record Applied(List<BankEntry> added, List<BankEntry> retracted) {
    }

    /**
     * Adds and retracts entries of one bank in a single transaction together with {@code alsoInTransaction}
     * (all or nothing), then updates the index. Retracting an entry that is not active fails the whole batch.
     */
    public Applied applyAtomically(String bankName, List<NewEntry> adds, List<Long> retractIds, String by,
                                   Consumer<Handle> alsoInTransaction) {
        return applyAtomically(bankName, adds, retractIds, by, (h, added) -> alsoInTransaction.accept(h));
    }

    /**
     * {@link #applyAtomically(String, List, List, String, Consumer)} where {@code alsoInTransaction} also gets the
     * added entries, with their ids, in the order of {@code adds} (to record where each came from).
     */
    public Applied applyAtomically(String bankName, List<NewEntry> adds, List<Long> retractIds, String by,
                                   java.util.function.BiConsumer<Handle, List<BankEntry>> alsoInTransaction) {
        Bank bank = get(bankName);
        Instant now = now();
        List<BankEntry> rows = validated(bank, adds, by, now);
        Applied applied = jdbi.inTransaction(h -> {
            lockForChange(h, bank);
            EntryDao dao = h.attach(EntryDao.class);
            List<BankEntry> retracted = new ArrayList<>(retractIds.size());
            for (long id : retractIds) {
                BankEntry e = dao.findById(id).filter(x -> x.bankId() == bank.id() && BankEntry.ACTIVE.equals(x.state()))
                        .orElseThrow(() -> Refusal.invalid("bank '" + bankName + "' has no active entry " + id));
                if (dao.retract(id, by, now) != 1) throw Refusal.conflict("entry " + id + " was retracted meanwhile");
                announce(h, "retract " + id);
                retracted.add(e);
            }
            if (!retracted.isEmpty()) indexChanged(h);
            if (!retracted.isEmpty()) for (EntryHook hook : hooks) hook.retracted(h, bank, retracted, now);
            List<BankEntry> added = insert(h, bank, rows);
            alsoInTransaction.accept(h, added);
            return new Applied(added, retracted);
        });
        afterCommit("changing bank '" + bank.name() + "'", () -> {
            for (BankEntry e : applied.retracted()) matcher.retract(indexed(e));
            // in bounded batches: a million arriving entries never need a second million-element copy at once
            List<BankEntry> added = applied.added();
            for (int i = 0; i < added.size(); i += INDEX_BATCH) {
                List<BankEntry> batch = added.subList(i, Math.min(added.size(), i + INDEX_BATCH));
                List<Matcher.IndexedEntry> forIndex = new ArrayList<>(batch.size());
                for (BankEntry s : batch) forIndex.add(indexed(s));
                matcher.addAll(forIndex);
            }
        });
        return applied;
    }

    /** Retracts an active entry of the bank: it stops matching at once; the row keeps who and when. */
    public BankEntry retract(String bankName, long entryId, String by) {
        return retract(bankName, entryId, by, null);
    }

    /** Retracts for {@code actor} (null: not audited); the {@code bank_retract} event commits with it. */
    public BankEntry retract(String bankName, long entryId, String by, String actor) {
        Bank bank = get(bankName);
        EntryDao dao = jdbi.onDemand(EntryDao.class);
        BankEntry e = dao.findById(entryId).filter(x -> x.bankId() == bank.id())
                .orElseThrow(() -> Refusal.notFound("bank '" + bankName + "' has no entry " + entryId));
        if (BankEntry.RETRACTED.equals(e.state())) return e;
        Instant at = now();
        jdbi.useTransaction(h -> {
            lockForChange(h, bank);
            if (h.attach(EntryDao.class).retract(entryId, by, at) == 1) {
                indexChanged(h);
                announce(h, "retract " + entryId);
                audited(h, actor, "bank_retract", "bank:" + bank.name(), "entry=" + entryId);
                for (EntryHook hook : hooks) hook.retracted(h, bank, List.of(e), at);
            }
        });
        afterCommit("retracting an entry of bank '" + bank.name() + "'", () -> matcher.retract(indexed(e)));
        return dao.findById(entryId).orElseThrow();
    }

    private void audited(Handle h, String actor, String action, String target, String detail) {
        if (actor != null && audit != null) audit.append(h, actor, action, target, detail);
    }

    private static String describe(Bank b) {
        return "policy=" + b.policy().wireName() + " mode=" + b.mode().wireName() + " labels=" + b.labels()
                + " pdq=" + b.pdqThreshold() + " phash=" + b.phashThreshold() + " dhash=" + b.dhashThreshold();
    }

    /**
     * Holds the bank's row for the rest of the transaction {@code h}: changes to its entries and the bank's
     * publication take turns (see {@link BankDao#lockForChange}).
     */
    public static Bank lockForChange(Handle h, Bank bank) {
        return h.attach(BankDao.class).lockForChange(bank.id())
                .orElseThrow(() -> Refusal.notFound("bank '" + bank.name() + "' was deleted meanwhile"));
    }

    /**
     * Advances the database's index version in the transaction {@code h}: called where the set of entries the
     * index holds changes (entries added or retracted, a bank archived or removed), after {@link #lockForChange},
     * so every node's index snapshot is retired with the change (see {@code IndexSnapshot}).
     */
    private static void indexChanged(Handle h) {
        h.attach(BankDao.class).advanceIndexVersion();
    }

    /** Streams a bank's entries in id order, page by page, to {@code sink}. */
    public void forEachEntry(String bankName, boolean includeRetracted, Consumer<BankEntry> sink) {
        jdbi.useHandle(h -> forEachEntry(h, bankName, includeRetracted, sink));
    }

    /** As {@link #forEachEntry(String, boolean, Consumer)}, inside the caller's transaction. */
    public void forEachEntry(Handle h, String bankName, boolean includeRetracted, Consumer<BankEntry> sink) {
        Bank bank = get(bankName);
        EntryDao dao = h.attach(EntryDao.class);
        long after = 0;
        while (true) {
            List<BankEntry> page = dao.page(bank.id(), after, includeRetracted, PAGE);
            page.forEach(sink);
            if (page.size() < PAGE) return;
            after = page.get(page.size() - 1).id();
        }
    }

    /** A match with what a caller needs to act on it. */
    public record BankMatch(Matcher.Match match, Bank bank, List<String> labels) {
    }

    public record MatchOutcome(List<BankMatch> matches, List<BankMatch> allowed, List<BankMatch> vetoed) {
    }

    public MatchOutcome match(List<Matcher.Probe> probes) {
        Matcher.Result r = matcher.match(probes);
        Set<Long> ids = new LinkedHashSet<>();
        for (List<Matcher.Match> l : List.of(r.matches(), r.allowed(), r.vetoed())) {
            for (Matcher.Match m : l) ids.add(m.entryId());
        }
        Map<Long, BankEntry> entries = new HashMap<>();
        if (!ids.isEmpty()) {
            for (BankEntry e : jdbi.onDemand(EntryDao.class).findByIds(new ArrayList<>(ids))) entries.put(e.id(), e);
        }
        // The matcher vetoes by signal type and distance; a grave label (of the bank or the entry) is never vetoed.
        List<BankMatch> matches = new ArrayList<>(enrich(r.matches(), entries));
        List<BankMatch> vetoed = new ArrayList<>();
        for (BankMatch v : enrich(r.vetoed(), entries)) (Label.anyGrave(v.labels()) ? matches : vetoed).add(v);
        matches.sort(MATCH_ORDER);
        return new MatchOutcome(matches, enrich(r.allowed(), entries), vetoed);
    }

    /** The matcher's order: closest first, then by bank name and entry. */
    private static final java.util.Comparator<BankMatch> MATCH_ORDER = java.util.Comparator
            .<BankMatch>comparingInt(m -> m.match().distance()).thenComparing(m -> m.match().bank())
            .thenComparingLong(m -> m.match().entryId());

    private List<BankMatch> enrich(List<Matcher.Match> ms, Map<Long, BankEntry> entries) {
        List<BankMatch> out = new ArrayList<>(ms.size());
        for (Matcher.Match m : ms) {
            Bank bank = banksById.get((long) m.bankId());
            BankEntry e = entries.get(m.entryId());
            if (bank == null || e == null) continue; // bank or entry vanished between index and read
            Set<String> labels = new LinkedHashSet<>(e.labelList());
            labels.addAll(bank.labelList());
            out.add(new BankMatch(m, bank, List.copyOf(labels)));
        }
        return out;
    }

    /**
     * Archives a bank for {@code actor}, audited: it stops matching at once (on every node), takes no new entries,
     * and keeps the ones it has as the evidence of past cases. A subscribed bank is not archived: remove its
     * subscription.
     */
    public Bank archive(String name, String actor) {
        Bank bank = get(name);
        if (bank.kind() == BankKind.SUBSCRIBED) {
            throw Refusal.invalid("bank '" + name + "' is fed by a subscription: remove the subscription instead");
        }
        if (bank.archived()) return bank;
        Instant at = now();
        jdbi.useTransaction(h -> {
            lockForChange(h, bank); // the same lock order as every other change of the bank
            if (h.attach(BankDao.class).archive(bank.id(), at) == 1) {
                indexChanged(h); // its entries leave the index
                audited(h, actor, "bank_archive", "bank:" + name, "stops matching; entries kept");
                announce(h, "bank " + bank.id());
            }
        });
        Bank archived = jdbi.onDemand(BankDao.class).findById(bank.id()).orElseThrow();
        forget(archived);
        return archived;
    }

    /**
     * Removes a bank for {@code actor}, audited: refused (CONFLICT) while a removal check says something holds it
     * (a list publishing it; open cases it is evidence in, unless it is archived). Its rows stay, for the cases
     * that point to its entries; its name is freed for a new bank.
     *
     * @param bySubscription true when the subscription feeding the bank is being removed (only then may a
     *                       subscribed bank go)
     */
    public Bank remove(String name, String actor, boolean bySubscription, Consumer<Handle> alsoInTransaction) {
        Bank bank = get(name);
        if (bank.kind() == BankKind.SUBSCRIBED && !bySubscription) {
            throw Refusal.invalid("bank '" + name + "' is fed by a subscription: remove the subscription instead");
        }
        Instant at = now();
        jdbi.useTransaction(h -> {
            lockForChange(h, bank);
            for (RemovalCheck check : removalChecks) {
                String held = check.holds(h, bank);
                if (held != null) throw Refusal.conflict("bank '" + name + "' cannot be removed: " + held);
            }
            if (h.attach(BankDao.class).remove(bank.id(), at, "~removed-" + bank.id() + "~") != 1) throw Refusal.notFound("no bank named '" + name + "'");
            indexChanged(h); // its entries leave the index
            audited(h, actor, "bank_remove", "bank:" + name, "kind=" + bank.kind().wireName());
            alsoInTransaction.accept(h);
            announce(h, "bank " + bank.id());
        });
        Bank removed = jdbi.onDemand(BankDao.class).findById(bank.id()).orElseThrow();
        forget(removed);
        return removed;
    }

    private void rememberOrForget(Bank b) {
        if (b.matching()) remember(b);
        else forget(b);
    }

    /** Takes a bank that no longer matches out of this node's index (its entries stay stored). */
    private void forget(Bank b) {
        banksById.remove(b.id());
        matcher.removeBank(Math.toIntExact(b.id()));
        EntryDao dao = jdbi.onDemand(EntryDao.class);
        long after = 0;
        while (true) {
            List<BankEntry> page = dao.page(b.id(), after, false, PAGE);
            for (BankEntry e : page) matcher.retract(indexed(e));
            if (page.size() < PAGE) return;
            after = page.get(page.size() - 1).id();
        }
    }

    private void remember(Bank b) {
        banksById.put(b.id(), b);
        matcher.putBank(new Matcher.MatchBank(Math.toIntExact(b.id()), b.name(), b.allow(), b.mode() == BankMode.OBSERVE, b.pdqThreshold(),
                b.phashThreshold(), b.dhashThreshold()));
    }

    private static Matcher.IndexedEntry indexed(EntryDao.IndexRow e) {
        return new Matcher.IndexedEntry(e.id(), Math.toIntExact(e.bankId()), SignalType.parse(e.signalType()),
                e.signalValue());
    }

    private static Matcher.IndexedEntry indexed(BankEntry e) {
        return new Matcher.IndexedEntry(e.id(), Math.toIntExact(e.bankId()), SignalType.parse(e.signalType()),
                e.signalValue());
    }

    private static int threshold(String signal, Integer value, int fallback, int max) {
        int v = value == null ? fallback : value;
        if (v < 0 || v > max) throw Refusal.invalid(signal + " threshold must be 0.." + max + ", got " + v);
        return v;
    }

    private static Bank withId(Bank b, long id) {
        return new Bank(id, b.name(), b.kind(), b.policy(), b.mode(), b.labels(), b.pdqThreshold(), b.phashThreshold(),
                b.dhashThreshold(), b.createdAt(), b.updatedAt(), b.archivedAt(), b.removedAt());
    }

    /** Microsecond precision: what both databases store, so a row read back equals the one written. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }
}
