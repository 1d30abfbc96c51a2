package org.sightline.panel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.actions.FakeMastodon;
import org.sightline.banks.BankService;
import org.sightline.config.Config;
import org.sightline.ingest.MediaServer;
import org.sightline.ingest.Webhooks;
import org.sightline.instances.InstanceService;
import org.sightline.review.CaseState;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.LongSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A decision in the panel is held for {@code panel.undo_seconds}: the fake Mastodon hears nothing of an undone
 * confirmation, and hears the report once the window of one that stands has passed — also across a restart.
 */
class UndoWindowTest {
    static final String PDQ = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    @TempDir
    Path data;
    @TempDir
    Path profile;

    Config config(int undoSeconds) {
        return Config.defaults().with("data.dir", data).with("fetch.allow_private_addresses", true)
                .with("ingest.poll_ms", 50).with("panel.undo_seconds", undoSeconds);
    }

    /** The Mastodon instance, bank known-bad holding the image, and one case per status id. */
    static List<Long> seed(TestServer server, FakeMastodon mastodon, MediaServer media, String... statuses)
            throws InterruptedException {
        server.deps.instances().add(new InstanceService.NewInstance("social", "mastodon", mastodon.url(),
                Webhooks.SECRET, FakeMastodon.TOKEN, null, null, null));
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("spam"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", PDQ, List.of("spam"),
                null, null, null)), "t");
        server.deps.banks().create(new BankService.BankSpec("confirmed", "local", "review", "enforce",
                List.of(), null, null, null));
        String url = media.put("/b.jpg", Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        List<Long> ids = new java.util.ArrayList<>();
        for (String s : statuses) {
            Webhooks.post(server, "social", Webhooks.status("status.created", s, "att" + s, url), Webhooks.SECRET);
            ids.add(await(() -> server.deps.database().jdbi().withHandle(h -> h.createQuery(
                    "SELECT c.id FROM cases c JOIN media_overview m ON m.id = c.media_id WHERE m.status_id = :s")
                    .bind("s", s).mapTo(Long.class).findOne().orElse(0L))));
        }
        return ids;
    }

    @Test
    void an_undone_confirmation_sends_nothing_and_one_that_stands_is_sent_after_the_window() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon(); MediaServer media = new MediaServer();
             TestServer server = new TestServer(config(3))) {
            long caseId = seed(server, mastodon, media, "7001").get(0);
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            try (Browser b = new Browser(server.base, profile)) {
                b.login("mia", "correct horse battery");
                b.go("/cases/" + caseId);
                b.driver.findElement(By.cssSelector("#confirm-form input[name=action][value=report]")).click();
                b.driver.findElement(By.id("confirm")).click();
                String notice = b.wait.until(ExpectedConditions.presenceOfElementLocated(By.id("decision-notice"))).getText();
                assertThat(notice).contains("Case " + caseId + " confirmed: reported to 127.0.0.1").contains("Undo");
                assertThat(server.deps.review().find(caseId).orElseThrow().decision()).isEqualTo("confirm");

                b.driver.findElement(By.id("undo")).click();
                b.wait.until(d -> d.findElement(By.id("notice-text")).getText().contains("was undone"));
                assertThat(b.driver.getCurrentUrl()).contains("/cases/" + caseId);
                assertThat(server.deps.review().find(caseId).orElseThrow().state()).isEqualTo(CaseState.OPEN);
                assertThat(server.deps.review().find(caseId).orElseThrow().decision()).isNull();
                assertThat(server.deps.audit().search("mia", "undo", "case:" + caseId, Long.MAX_VALUE, 10)).hasSize(1);

                // well past the window (and many polls of the action worker): the instance heard nothing
                Thread.sleep(5000);
                assertThat(mastodon.calls("/api/v1/reports")).isEmpty();
                assertThat(server.deps.actions().forMedia(PanelFixtures.mediaOf(server, caseId))).isEmpty();

                // the same case confirmed again and left alone: nothing inside the window, the report after it
                b.driver.findElement(By.cssSelector("#confirm-form input[name=action][value=report]")).click();
                b.driver.findElement(By.id("confirm")).click();
                b.wait.until(d -> d.findElement(By.id("notice-text")).getText().contains("confirmed"));
                assertThat(mastodon.calls("/api/v1/reports")).isEmpty();
                await(() -> mastodon.calls("/api/v1/reports").size());
                assertThat(mastodon.calls("/api/v1/reports")).hasSize(1);

                // once the window has passed the notice offers no undo, and the server refuses one
                b.go("/queue?done=" + caseId);
                assertThat(b.driver.findElement(By.id("decision-notice")).getText()).contains("confirmed");
                assertThat(b.driver.findElements(By.id("undo"))).isEmpty();
            }
            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            mia.get("/queue");
            assertThat(mia.postForm("/cases/" + caseId + "/undo").status()).isEqualTo(409);
            assertThat(server.deps.review().find(caseId).orElseThrow().decision()).isEqualTo("confirm");
        }
    }

    @Test
    void a_held_bank_add_waits_for_the_window_and_an_undo_drops_it() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon(); MediaServer media = new MediaServer();
             TestServer server = new TestServer(config(2))) {
            List<Long> ids = seed(server, mastodon, media, "7101", "7102");
            server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
            server.deps.users().create("max", Role.MODERATOR, "correct horse battery");
            long confirmed = server.deps.banks().get("confirmed").id();
            PanelClient mia = new PanelClient(server.base);
            mia.login("mia", "correct horse battery");
            mia.get("/cases/" + ids.get(0));
            assertThat(mia.postForm("/cases/" + ids.get(0) + "/confirm", "label", "spam", "bank", "confirmed")
                    .status()).isIn(302, 303);
            assertThat(server.deps.banks().countActive(confirmed)).isZero();
            // another moderator cannot undo mia's decision
            PanelClient max = new PanelClient(server.base);
            max.login("max", "correct horse battery");
            max.get("/queue");
            assertThat(max.postForm("/cases/" + ids.get(0) + "/undo").status()).isEqualTo(403);
            assertThat(mia.postForm("/cases/" + ids.get(0) + "/undo").status()).isIn(302, 303);

            mia.get("/cases/" + ids.get(1));
            assertThat(mia.postForm("/cases/" + ids.get(1) + "/confirm", "label", "spam", "bank", "confirmed")
                    .status()).isIn(302, 303);
            await(() -> server.deps.banks().countActive(confirmed));
            Thread.sleep(1500);
            // only the confirmation that stood reached the bank
            assertThat(server.deps.banks().countActive(confirmed)).isEqualTo(1);
            assertThat(server.deps.review().find(ids.get(0)).orElseThrow().state()).isEqualTo(CaseState.OPEN);
        }
    }

    @Test
    void a_restart_inside_the_window_neither_loses_nor_hastens_what_was_held() throws Exception {
        try (FakeMastodon mastodon = new FakeMastodon(); MediaServer media = new MediaServer()) {
            long caseId;
            Instant decided;
            try (TestServer server = new TestServer(config(6))) {
                caseId = seed(server, mastodon, media, "7201").get(0);
                server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
                PanelClient mia = new PanelClient(server.base);
                mia.login("mia", "correct horse battery");
                mia.get("/cases/" + caseId);
                decided = Instant.now();
                assertThat(mia.postForm("/cases/" + caseId + "/confirm", "label", "spam", "action", "report",
                        "bank", "confirmed").status()).isIn(302, 303);
            }
            try (TestServer server = new TestServer(config(6))) {
                long confirmed = server.deps.banks().get("confirmed").id();
                if (Instant.now().isBefore(decided.plus(Duration.ofSeconds(5)))) {
                    assertThat(mastodon.calls("/api/v1/reports")).isEmpty();
                    assertThat(server.deps.banks().countActive(confirmed)).isZero();
                }
                await(() -> mastodon.calls("/api/v1/reports").size());
                await(() -> server.deps.banks().countActive(confirmed));
                assertThat(Instant.now()).isAfterOrEqualTo(decided.plus(Duration.ofSeconds(6)));
                assertThat(mastodon.calls("/api/v1/reports")).hasSize(1);
                assertThat(server.deps.banks().countActive(confirmed)).isEqualTo(1);
            }
        }
    }

    static long await(LongSupplier value) throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofSeconds(25));
        while (Instant.now().isBefore(deadline)) {
            long v = value.getAsLong();
            if (v > 0) return v;
            Thread.sleep(25);
        }
        throw new AssertionError("timed out");
    }
}
