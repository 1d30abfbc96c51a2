package org.sightline.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sightline.access.Principal;
import org.sightline.access.Scope;
import org.sightline.auth.TokenService;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.common.Refusal;
import org.sightline.banks.BankService;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The same storage behaviour, run on H2 and on PostgreSQL by the subclasses. */
abstract class StoreContract {
    static final String PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-01-02T03:04:05.123456Z"), ZoneOffset.UTC);

    Database db;
    Matcher matcher;
    BankService banks;

    /** A database URL for this test (fresh), and how to clean it up. */
    abstract String url();

    abstract void cleanup();

    @BeforeEach
    void open() {
        db = Database.open(url(), null, null, 4);
        matcher = new Matcher();
        banks = new BankService(db.jdbi(), matcher, CLOCK, false, null);
        banks.loadIndex();
    }

    @AfterEach
    void close() {
        if (db != null) db.close();
        cleanup();
    }

    @Test
    void a_rate_limit_counted_in_the_database_holds_across_nodes_and_forgets_after_its_window() {
        // two counters over one database: what two nodes of a cluster hold for the appeal page
        RateCounter nodeA = new RateCounter(db.jdbi(), "appeal_link", 3, java.time.Duration.ofHours(1));
        RateCounter nodeB = new RateCounter(db.jdbi(), "appeal_link", 3, java.time.Duration.ofHours(1));
        RateCounter otherScope = new RateCounter(db.jdbi(), "appeal_address", 3, java.time.Duration.ofHours(1));
        Instant t = CLOCK.instant();
        assertThat(nodeA.admit("link-1", t)).isTrue();
        assertThat(nodeB.admit("link-1", t.plusSeconds(1))).isTrue();
        assertThat(nodeA.admit("link-1", t.plusSeconds(2))).isTrue();
        assertThat(nodeB.admit("link-1", t.plusSeconds(3))).as("the fourth, on the other node").isFalse();
        assertThat(nodeA.admit("link-2", t.plusSeconds(3))).as("another key").isTrue();
        assertThat(otherScope.admit("link-1", t.plusSeconds(3))).as("another scope").isTrue();
        // a refused request is not counted, and an hour after the first the window has room again
        assertThat(nodeA.admit("link-1", t.plusSeconds(3599))).isFalse();
        assertThat(nodeA.admit("link-1", t.plusSeconds(3601))).isTrue();
        // only digests are kept
        long raw = db.jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM rate_hits WHERE hit_key LIKE 'link%'")
                .mapTo(Long.class).one());
        assertThat(raw).isZero();
    }

    @Test
    void migrations_apply_once_and_reopen_cleanly() throws Exception {
        long files;
        try (var list = java.nio.file.Files.list(java.nio.file.Path.of("src/main/resources/db/migration"))) {
            files = list.filter(p -> p.getFileName().toString().matches("V\\d+__.*\\.sql")).count();
        }
        assertThat(appliedMigrations()).isEqualTo(files).isPositive();
        db.close();
        db = Database.open(url(), null, null, 2); // second open: nothing to migrate, no error
        assertThat(db.ping()).isTrue();
        assertThat(appliedMigrations()).isEqualTo(files);
    }

    private long appliedMigrations() {
        return db.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM \"flyway_schema_history\" WHERE \"success\" = TRUE AND \"type\" = 'SQL'")
                .mapTo(Long.class).one());
    }

    @Test
    void bank_round_trips_with_defaults_and_update() {
        Bank b = banks.create(new BankService.BankSpec("ncii-list", null, "reject", null, List.of("ncii", "sexual"),
                null, 6, null));
        assertThat(b.id()).isPositive();
        Bank read = banks.get("ncii-list");
        assertThat(read).isEqualTo(b);
        assertThat(read.kind().wireName()).isEqualTo("local");
        assertThat(read.mode().wireName()).isEqualTo("enforce");
        assertThat(read.pdqThreshold()).isEqualTo(31);
        assertThat(read.phashThreshold()).isEqualTo(6);
        assertThat(read.dhashThreshold()).isEqualTo(10);
        assertThat(read.labelList()).containsExactly("ncii", "sexual");
        assertThat(read.createdAt()).isEqualTo(CLOCK.instant());

        Bank up = banks.update("ncii-list", new BankService.BankSpec(null, null, null, "observe", null, 20, null, null));
        assertThat(banks.get("ncii-list")).isEqualTo(up);
        assertThat(up.mode().wireName()).isEqualTo("observe");
        assertThat(up.pdqThreshold()).isEqualTo(20);
        assertThat(up.policy().wireName()).isEqualTo("reject");
        assertThat(banks.list()).extracting(Bank::name).containsExactly("ncii-list");
    }

    @Test
    void invalid_banks_are_refused() {
        banks.create(new BankService.BankSpec("one", null, null, null, null, null, null, null));
        assertThatThrownBy(() -> banks.create(new BankService.BankSpec("one", null, null, null, null, null, null, null)))
                .isInstanceOf(Refusal.class).hasMessageContaining("already exists");
        assertThatThrownBy(() -> banks.create(new BankService.BankSpec("two", null, null, null, List.of("cats"), null, null, null)))
                .isInstanceOf(Refusal.class).hasMessageContaining("unknown label 'cats'");
        assertThatThrownBy(() -> banks.create(new BankService.BankSpec("two", "shared", null, null, null, null, null, null)))
                .isInstanceOf(Refusal.class).hasMessageContaining("kind must be one of");
        assertThatThrownBy(() -> banks.create(new BankService.BankSpec("two", null, null, null, null, 32, null, null)))
                .isInstanceOf(Refusal.class).hasMessageContaining("pdq threshold must be 0..31");
        assertThatThrownBy(() -> banks.get("nope")).isInstanceOf(Refusal.class)
                .extracting(e -> ((Refusal) e).kind()).isEqualTo(Refusal.Kind.NOT_FOUND);
    }

    @Test
    void entries_keep_provenance_and_retraction_keeps_the_row() {
        banks.create(new BankService.BankSpec("b", null, null, null, null, null, null, null));
        List<BankEntry> saved = banks.addEntries("b", List.of(
                new BankService.NewEntry("pdq", PDQ.toUpperCase(), List.of("spam"), "first", "partner-list", 17L),
                new BankService.NewEntry("md5", "d41d8cd98f00b204e9800998ecf8427e", null, null, null, null)), "alice");
        assertThat(saved).hasSize(2);
        BankEntry e = saved.get(0);
        assertThat(e.signalValue()).isEqualTo(PDQ); // canonical lowercase
        assertThat(e.addedBy()).isEqualTo("alice");
        assertThat(e.sourceList()).isEqualTo("partner-list");
        assertThat(e.sourceSeq()).isEqualTo(17L);
        assertThat(e.state()).isEqualTo("active");

        List<BankEntry> exported = new ArrayList<>();
        banks.forEachEntry("b", false, exported::add);
        assertThat(exported).containsExactlyElementsOf(saved);

        BankEntry r = banks.retract("b", e.id(), "bob");
        assertThat(r.state()).isEqualTo("retracted");
        assertThat(r.retractedBy()).isEqualTo("bob");
        assertThat(r.retractedAt()).isEqualTo(CLOCK.instant());
        List<BankEntry> active = new ArrayList<>();
        banks.forEachEntry("b", false, active::add);
        assertThat(active).extracting(BankEntry::id).containsExactly(saved.get(1).id());
        List<BankEntry> all = new ArrayList<>();
        banks.forEachEntry("b", true, all::add);
        assertThat(all).hasSize(2);
        assertThat(banks.countActive(r.bankId())).isEqualTo(1);
    }

    @Test
    void a_bad_entry_rejects_the_whole_batch() {
        banks.create(new BankService.BankSpec("b", null, null, null, null, null, null, null));
        assertThatThrownBy(() -> banks.addEntries("b", List.of(
                new BankService.NewEntry("pdq", PDQ, null, null, null, null),
                new BankService.NewEntry("pdq", PDQ.substring(1) + "g", null, null, null, null)), "alice"))
                .isInstanceOf(Refusal.class).hasMessageContaining("entry 2: pdq value has a non-hex character at position 64");
        List<BankEntry> none = new ArrayList<>();
        banks.forEachEntry("b", true, none::add);
        assertThat(none).isEmpty();
    }

    @Test
    void bulk_insert_returns_ids_in_order_and_the_index_reloads_from_the_database() {
        banks.create(new BankService.BankSpec("bulk", null, null, null, null, null, null, null));
        List<BankService.NewEntry> many = new ArrayList<>();
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(9);
        for (int i = 0; i < 5_000; i++) {
            many.add(new BankService.NewEntry("pdq", new org.sightline.hashing.PdqHash(rnd.nextLong(), rnd.nextLong(),
                    rnd.nextLong(), rnd.nextLong()).hex(), null, null, null, null));
        }
        many.add(new BankService.NewEntry("pdq", PDQ, null, null, null, null));
        List<BankEntry> saved = banks.addEntries("bulk", many, "alice");
        for (int i = 1; i < saved.size(); i++) assertThat(saved.get(i).id()).isGreaterThan(saved.get(i - 1).id());
        long last = saved.get(saved.size() - 1).id();

        Matcher fresh = new Matcher();
        new BankService(db.jdbi(), fresh, CLOCK, false, null).loadIndex();
        assertThat(fresh.size(SignalType.PDQ)).isEqualTo(5_001);
        Matcher.Result r = fresh.match(List.of(new Matcher.Probe(SignalType.PDQ, PDQ, null, null)));
        assertThat(r.matches()).extracting(Matcher.Match::entryId).containsExactly(last);
    }

    @Test
    void tokens_are_stored_hashed_and_authenticate_with_their_scopes() {
        TokenService tokens = new TokenService(db.jdbi(), org.sightline.audit.AuditLog.open(db.jdbi(), CLOCK,
                org.sightline.audit.AuditKey.of(new byte[32])), new SecureRandom(), CLOCK, name -> false);
        String t = tokens.create("ci-bot", EnumSet.of(Scope.MATCH, Scope.BANKS_READ), null, null, "test").token();
        assertThat(t).startsWith("stl_").hasSizeGreaterThan(40);
        Optional<Principal> p = tokens.authenticate(t, null);
        assertThat(p).isPresent();
        assertThat(p.get().name()).isEqualTo("ci-bot");
        assertThat(p.get().has(Scope.MATCH)).isTrue();
        assertThat(p.get().has(Scope.BANKS_WRITE)).isFalse();
        assertThat(tokens.authenticate(t + "x", null)).isEmpty();
        String stored = db.jdbi().withHandle(h -> h.createQuery("SELECT token_hash FROM api_tokens").mapTo(String.class).one());
        assertThat(stored).hasSize(64).doesNotContain(t.substring(4));
        assertThatThrownBy(() -> tokens.create("ci-bot", EnumSet.of(Scope.ADMIN), null, null, "test")).hasMessageContaining("already exists");
        String admin = tokens.create("root", EnumSet.of(Scope.ADMIN), null, null, "test").token();
        assertThat(tokens.authenticate(admin, null).orElseThrow().has(Scope.BANKS_WRITE)).isTrue();
    }
}
