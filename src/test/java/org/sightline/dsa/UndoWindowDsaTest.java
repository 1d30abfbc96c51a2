package org.sightline.dsa;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.config.SecretBox;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Nothing a decision causes leaves the server while it can still be undone (#16 with #19's undo window): its
 * statement of reasons reaches the Transparency Database only after the window, and a dismissal's undo of what
 * Sightline did on its own is sent only after the window, so undoing the dismissal leaves the action standing.
 */
class UndoWindowDsaTest {
    @TempDir
    Path data;
    DsaFixture f;
    FakeTdb tdb;

    @AfterEach
    void stop() {
        if (f != null) f.close();
        if (tdb != null) tdb.close();
    }

    private User mia() {
        return f.server.deps.users().find("mia").orElseGet(() ->
                f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery"));
    }

    @Test
    void a_statement_is_not_submitted_while_its_decision_can_be_undone_and_an_undone_one_never() throws Exception {
        tdb = new FakeTdb("tdb-token");
        f = new DsaFixture(data, "review", "panel.undo_seconds", 3, "dsa.tdb_url", tdb.url(),
                "dsa.tdb_token", SecretBox.forDataDir(data).seal("tdb-token"), "dsa.tdb_interval_s", 1);
        long undone = f.scan("7001", "acct7001");
        long kept = f.scan("7002", "acct7002");
        ReviewService.Confirm delete = new ReviewService.Confirm(List.of("spam"), null, List.of("delete"), null);
        f.server.deps.review().confirm(f.caseId(undone), mia(), delete);
        f.server.deps.review().confirm(f.caseId(kept), mia(), delete);
        String puid = f.onlyStatement(kept).get("puid").asText();
        assertThat(f.statements(undone)).hasSize(1);

        Thread.sleep(1_800); // more than one submission round (1 s) inside the 3 s window
        assertThat(tdb.calls).isEmpty();
        f.server.deps.review().undo(f.caseId(undone), mia());
        assertThat(f.statements(undone)).isEmpty();

        DsaFixture.await("submitted after the window", () -> tdb.calls.stream()
                .anyMatch(c -> c.body().path("puid").asText().equals(puid)));
        Thread.sleep(1_200);
        assertThat(tdb.calls).hasSize(1);
    }

    @Test
    void an_undone_dismissal_leaves_the_automatic_action_standing_and_a_kept_one_undoes_it_after_the_window()
            throws Exception {
        f = new DsaFixture(data, "review", "panel.undo_seconds", 2);
        long undone = f.scan("7003", "acct7003");
        long kept = f.scan("7004", "acct7004");
        for (long media : List.of(undone, kept)) {
            f.server.deps.actionQueue().request(media, null, "account_action", "{\"type\":\"sensitive\"}",
                    "sightline", Instant.now());
        }
        f.server.deps.actions().wake();
        DsaFixture.await("sensitive done", () -> f.state(undone, "account_action").equals("done")
                && f.state(kept, "account_action").equals("done"));

        f.server.deps.review().dismiss(f.caseId(undone), mia(), "harmless", null);
        f.server.deps.review().dismiss(f.caseId(kept), mia(), "harmless", null);
        assertThat(f.state(undone, "undo_account_action")).isEqualTo("none");
        f.server.deps.review().undo(f.caseId(undone), mia());

        DsaFixture.await("the kept dismissal's undo done", () -> f.state(kept, "undo_account_action").equals("done"));
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct7004/unsensitive")).hasSize(1);
        Thread.sleep(1_500); // a release round after the undone dismissal's window
        assertThat(f.state(undone, "undo_account_action")).isEqualTo("none");
        assertThat(f.mastodon.calls("/api/v1/admin/accounts/acct7003/unsensitive")).isEmpty();
    }
}
