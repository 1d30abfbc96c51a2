package org.sightline.review;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.access.User;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaDerivatives;
import org.sightline.ingest.Webhooks;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #18: pictures are kept only while they serve moderation; the hashes stay. */
class RetentionTest {
    static final String BRIDGE_PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path dir;
    TestServer server;
    String root;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0));
        root = server.token("root", Scope.ADMIN);
        server.deps.banks().create(new BankService.BankSpec("suspect", "local", "review", "enforce", List.of("spam"),
                null, null, null));
        server.deps.banks().addEntries("suspect", List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ, List.of("spam"),
                null, null, null)), "test");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    long scan(String image) {
        String b64 = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/" + image));
        TestServer.Response r = server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + b64 + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("id").asLong();
    }

    int blobs(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM media_blobs WHERE media_id = :m").bind("m", mediaId).mapTo(Integer.class).one());
    }

    String pdq(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT pdq FROM media_signals WHERE media_id = :m").bind("m", mediaId).mapTo(String.class).one());
    }

    Retention at(Instant now) {
        return new Retention(server.deps.database().jdbi(), new MediaDerivatives(), server.deps.audit(),
                Clock.fixed(now, ZoneOffset.UTC), RetentionSettings.from(server.deps.config()));
    }

    @Test
    void passed_media_lose_their_pictures_after_a_week_and_decided_cases_after_a_year_keeping_hashes() {
        long clean = scan("misc-images/c.png");          // passes: no case
        long open = scan("dih/bridge-2-rotate-90.jpg");  // matched: an open case
        long decided = scan("dih/bridge-5-flipx.jpg");   // matched, then decided
        User mia = server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        long decidedCase = server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id FROM cases WHERE media_id = :m").bind("m", decided).mapTo(Long.class).one());
        server.deps.review().dismiss(decidedCase, mia, "a bridge, harmless", null);
        assertThat(blobs(clean)).isEqualTo(2);
        assertThat(blobs(open)).isEqualTo(2);
        assertThat(blobs(decided)).isEqualTo(2);

        // six days on: nothing is due yet
        assertThat(at(Instant.now().plus(Duration.ofDays(6))).purge().total()).isZero();
        assertThat(blobs(clean)).isEqualTo(2);

        // eight days on: the passed media's pictures are gone, its hashes stay; cases keep theirs
        Retention.Purged week = at(Instant.now().plus(Duration.ofDays(8))).purge();
        assertThat(week.passedMedia()).isEqualTo(1);
        assertThat(week.decidedCaseMedia()).isZero();
        assertThat(blobs(clean)).isZero();
        assertThat(pdq(clean)).isNotBlank();
        assertThat(blobs(open)).isEqualTo(2);
        assertThat(blobs(decided)).isEqualTo(2);
        assertThat(server.deps.audit().search("sightline", "retention_purge", "media", Long.MAX_VALUE, 5))
                .singleElement().satisfies(e -> assertThat(e.detail()).contains("passed_media=1"));

        // a year and a day on: the decided case's pictures go too, the case keeps its record; the open case keeps all
        Retention.Purged year = at(Instant.now().plus(Duration.ofDays(366))).purge();
        assertThat(year.decidedCaseMedia()).isEqualTo(1);
        assertThat(blobs(decided)).isZero();
        assertThat(blobs(open)).isEqualTo(2);
        assertThat(server.deps.review().find(decidedCase)).hasValueSatisfying(c ->
                assertThat(c.decisionReason()).isEqualTo("a bridge, harmless"));
        // a second run finds nothing more and writes no event
        assertThat(at(Instant.now().plus(Duration.ofDays(366))).purge().total()).isZero();
        assertThat(server.deps.audit().search("sightline", "retention_purge", "media", Long.MAX_VALUE, 5)).hasSize(2);
    }

    @Test
    void the_schedule_runs_the_purge_by_itself() throws InterruptedException {
        server.close();
        server = new TestServer(Config.defaults().with("data.dir", dir).with("ingest.workers", 0)
                .with("retention.passed_media_days", 0).with("retention.purge_interval_s", 1));
        root = server.token("root2", Scope.ADMIN);
        long clean = scan("misc-images/c.png");
        Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
        while (blobs(clean) > 0 && Instant.now().isBefore(deadline)) Thread.sleep(100);
        assertThat(blobs(clean)).isZero();
        assertThat(server.deps.audit().search("sightline", "retention_purge", "media", Long.MAX_VALUE, 5)).isNotEmpty();
    }
}
