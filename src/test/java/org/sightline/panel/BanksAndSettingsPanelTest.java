package org.sightline.panel;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.config.Config;
import org.sightline.access.Role;
import org.sightline.access.User;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The banks page (admins change, moderators look) and the per-user wellness settings. */
class BanksAndSettingsPanelTest {
    static final String PASSWORD = "correct horse battery";
    static final String H1 = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";
    static final String H2 = "0000f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c0000";

    @TempDir
    Path data;
    TestServer server;
    PanelClient ada;
    PanelClient mia;

    @BeforeEach
    void start() {
        server = new TestServer(Config.defaults().with("data.dir", data).with("ingest.workers", 0));
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        ada = new PanelClient(server.base);
        ada.login("ada", PASSWORD);
        mia = new PanelClient(server.base);
        mia.login("mia", PASSWORD);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    List<BankEntry> entries(String bank) {
        List<BankEntry> out = new ArrayList<>();
        server.deps.banks().forEachEntry(bank, true, out::add);
        return out;
    }

    @Test
    void an_admin_creates_a_bank_adds_lines_changes_settings_and_retracts() {
        ada.get("/banks");
        assertThat(ada.postForm("/banks", "name", "local-bad", "kind", "local", "policy", "report", "mode", "observe",
                "label", "spam").status()).isIn(302, 303);
        Bank b = server.deps.banks().get("local-bad");
        assertThat(b.policy().wireName()).isEqualTo("report");
        assertThat(b.mode().wireName()).isEqualTo("observe");

        PanelClient.Page added = ada.postForm("/banks/local-bad/entries", "lines", "# a comment\npdq " + H1 + "\n\npdq " + H2,
                "label", "spam", "note", "from the forum");
        assertThat(added.body()).contains("2 entries added");
        assertThat(server.deps.banks().countActive(b.id())).isEqualTo(2);
        assertThat(ada.get("/banks").body()).contains("<td class=\"num\">2</td>");
        // All or none: one bad line adds nothing.
        assertThat(ada.postForm("/banks/local-bad/entries", "lines", "pdq " + H1 + "\npdq nothex").body())
                .contains("entry 2");
        assertThat(server.deps.banks().countActive(b.id())).isEqualTo(2);

        assertThat(ada.postForm("/banks/local-bad/settings", "policy", "review", "mode", "enforce", "pdq_threshold", "20",
                "phash_threshold", "8", "dhash_threshold", "8", "label", "sexual").status()).isIn(302, 303);
        Bank changed = server.deps.banks().get("local-bad");
        assertThat(changed.pdqThreshold()).isEqualTo(20);
        assertThat(changed.mode().wireName()).isEqualTo("enforce");
        assertThat(changed.labelList()).containsExactly("sexual");
        assertThat(ada.postForm("/banks/local-bad/settings", "pdq_threshold", "99").status()).isEqualTo(400);

        long first = entries("local-bad").get(0).id();
        assertThat(ada.postForm("/banks/local-bad/entries/" + first + "/retract").status()).isIn(302, 303);
        assertThat(entries("local-bad").get(0).state()).isEqualTo("retracted");
        assertThat(server.deps.banks().countActive(b.id())).isEqualTo(1);
        assertThat(server.deps.audit().search("ada", "", "bank:local-bad", Long.MAX_VALUE, 10))
                .extracting(e -> e.action()).containsExactly("bank_retract", "bank_update", "bank_add", "bank_create");
    }

    @Test
    void a_file_of_pdq_lines_can_be_uploaded() throws Exception {
        server.deps.banks().create(new org.sightline.banks.BankService.BankSpec("upload", "local", null, null,
                List.of(), null, null, null));
        ada.get("/banks/upload");
        String boundary = "----sightline" + System.nanoTime();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n" + ada.csrf + "\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"label\"\r\n\r\nspam\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"hashes.txt\"\r\n"
                + "Content-Type: text/plain\r\n\r\npdq " + H1 + "\npdq " + H2 + "\n\r\n--" + boundary + "--\r\n";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(server.base + "/banks/upload/entries"))
                .header("Cookie", "sightline_session=" + ada.cookies.get("sightline_session"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("2 entries added");
        assertThat(entries("upload")).extracting(BankEntry::signalValue).containsExactly(H1, H2);
        assertThat(entries("upload").get(0).labelList()).containsExactly("spam");
    }

    @Test
    void moderators_see_banks_but_cannot_change_them() {
        server.deps.banks().create(new org.sightline.banks.BankService.BankSpec("seen", "local", null, null,
                List.of(), null, null, null));
        assertThat(mia.get("/banks").body()).contains("seen").doesNotContain("Create bank");
        assertThat(mia.get("/banks/seen").status()).isEqualTo(200);
        assertThat(mia.postForm("/banks", "name", "mine", "kind", "local").status()).isEqualTo(403);
        assertThat(mia.postForm("/banks/seen/entries", "lines", "pdq " + H1).status()).isEqualTo(403);
        assertThat(mia.postForm("/banks/seen/settings", "mode", "observe").status()).isEqualTo(403);
        assertThat(server.deps.banks().list()).extracting(Bank::name).containsExactly("seen");
        assertThat(entries("seen")).isEmpty();
    }

    @Test
    void wellness_settings_are_per_user_and_shape_the_case_page() {
        PanelFixtures.banks(server);
        long id = PanelFixtures.cases(server, 1).get(0);
        mia.get("/settings");
        assertThat(mia.postForm("/settings", "blur_strength", "20").status()).isIn(302, 303);
        User m = server.deps.users().find("mia").orElseThrow();
        assertThat(m.blurStrength()).isEqualTo(20);
        assertThat(m.greyscale()).isFalse();
        assertThat(m.revealConfirm()).isFalse();
        String page = mia.get("/cases/" + id).body();
        assertThat(page).contains("filter: blur(20px)").contains("data-confirm=\"false\"").contains("data-grey=\"false\"");
        assertThat(mia.postForm("/settings", "blur_strength", "99").status()).isEqualTo(400);
        // Someone else's settings are untouched.
        User a = server.deps.users().find("ada").orElseThrow();
        assertThat(a.blurStrength()).isEqualTo(6);
        assertThat(a.greyscale()).isTrue();
        assertThat(a.revealConfirm()).isTrue();
    }
}
