package org.sightline.review;

import com.fasterxml.jackson.databind.JsonNode;
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
import org.sightline.ingest.Webhooks;

import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #18: a retraction revisits the cases its entry was evidence in. */
class RetractionRevisitTest {
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
    }

    @AfterEach
    void stop() {
        server.close();
    }

    long addEntry(String bank) {
        return server.deps.banks().addEntries(bank, List.of(new BankService.NewEntry("pdq", BRIDGE_PDQ, List.of("spam"),
                null, null, null)), "test").get(0).id();
    }

    long scanBridge() {
        String image = Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/bridge-mods/aaa-orig.jpg"));
        TestServer.Response r = server.postJson("/api/v1/media", root, "{\"image_base64\":\"" + image + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("matches")).isNotEmpty();
        return r.json().get("id").asLong();
    }

    record CaseRow(long id, String state, String decision, String decisionReason, String decidedBy) {
    }

    CaseRow caseOf(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT id, state, decision, decision_reason, decided_by FROM cases WHERE media_id = :m")
                .bind("m", mediaId).map((rs, ctx) -> new CaseRow(rs.getLong(1), rs.getString(2), rs.getString(3),
                        rs.getString(4), rs.getString(5))).one());
    }

    List<String> notes(long caseId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT note FROM case_notes WHERE case_id = :c ORDER BY id").bind("c", caseId).mapTo(String.class).list());
    }

    int matches(long mediaId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM media_matches WHERE media_id = :m").bind("m", mediaId).mapTo(Integer.class).one());
    }

    @Test
    void a_retracted_entry_closes_the_open_case_it_was_the_only_evidence_of_and_notes_the_decided_one() {
        long entry = addEntry("suspect");
        long open = scanBridge();
        long decided = scanBridge();
        CaseRow before = caseOf(open);
        assertThat(before.state()).isEqualTo("open");
        User mod = server.deps.users().create("mia", Role.MODERATOR, "correct horse battery");
        server.deps.review().dismiss(caseOf(decided).id(), mod, "looks fine", null);

        TestServer.Response r = server.send("DELETE", "/api/v1/banks/suspect/entries/" + entry, root, null, null, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        CaseRow closed = caseOf(open);
        assertThat(closed.state()).isEqualTo("decided");
        assertThat(closed.decision()).isEqualTo("retracted");
        assertThat(closed.decidedBy()).isEqualTo("sightline");
        assertThat(closed.decisionReason()).contains("evidence was retracted").contains("bank suspect entry " + entry);
        assertThat(matches(open)).isZero();
        assertThat(server.deps.audit().search("sightline", "case_close", "case:" + closed.id(), Long.MAX_VALUE, 5)).hasSize(1);

        CaseRow d = caseOf(decided);
        assertThat(d.decision()).isEqualTo("dismiss");
        assertThat(notes(d.id())).singleElement().satisfies(n ->
                assertThat(n).contains("entry " + entry).contains("retracted after this case was decided"));
        assertThat(matches(decided)).isEqualTo(1); // a decided case keeps its record
    }

    @Test
    void an_open_case_with_other_evidence_stays_open_with_a_note() {
        server.deps.banks().create(new BankService.BankSpec("also", "local", "review", "enforce", List.of("spam"),
                null, null, null));
        long first = addEntry("suspect");
        addEntry("also");
        long media = scanBridge();
        assertThat(matches(media)).isEqualTo(2);

        assertThat(server.send("DELETE", "/api/v1/banks/suspect/entries/" + first, root, null, null, null).status())
                .isEqualTo(200);
        CaseRow c = caseOf(media);
        assertThat(c.state()).isEqualTo("open");
        assertThat(matches(media)).isEqualTo(1);
        assertThat(notes(c.id())).singleElement().satisfies(n -> assertThat(n).contains("other evidence remains"));
        JsonNode doc = server.get("/api/v1/media/" + media, root).json();
        assertThat(doc.get("matches")).singleElement().satisfies(m -> assertThat(m.get("bank").asText()).isEqualTo("also"));
    }

    void sql(String statement, long mediaId) {
        server.deps.database().jdbi().useHandle(h -> h.createUpdate(statement).bind("m", mediaId).execute());
    }

    @Test
    void a_reported_case_stays_open_when_its_only_match_is_retracted() {
        long entry = addEntry("suspect");
        long media = scanBridge();
        // the post was also reported by a user (as a report webhook would count it)
        sql("UPDATE media SET report_count = 1 WHERE id = :m", media);

        assertThat(server.send("DELETE", "/api/v1/banks/suspect/entries/" + entry, root, null, null, null).status())
                .isEqualTo(200);
        CaseRow c = caseOf(media);
        assertThat(c.state()).isEqualTo("open");
        assertThat(c.decision()).isNull();
        assertThat(matches(media)).isZero();
        assertThat(notes(c.id())).singleElement().satisfies(n -> assertThat(n).contains("other evidence remains"));
    }

    @Test
    void a_scanner_flagged_case_stays_open_when_its_only_match_is_retracted() {
        long entry = addEntry("suspect");
        long media = scanBridge();
        // the case was also opened by a scanner's flag (the reason the decider writes for flagged scores)
        sql("UPDATE cases SET reason = 'matched bank suspect; classifier: porn 0.97' WHERE media_id = :m", media);

        assertThat(server.send("DELETE", "/api/v1/banks/suspect/entries/" + entry, root, null, null, null).status())
                .isEqualTo(200);
        CaseRow c = caseOf(media);
        assertThat(c.state()).isEqualTo("open");
        assertThat(c.decision()).isNull();
        assertThat(matches(media)).isZero();
        assertThat(notes(c.id())).singleElement().satisfies(n -> assertThat(n).contains("other evidence remains"));
    }
}
