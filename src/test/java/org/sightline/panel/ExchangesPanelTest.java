package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.Scope;
import org.sightline.audit.AuditEvent;
import org.sightline.config.Config;
import org.sightline.exchanges.FakeExchangeServer;
import org.sightline.hashing.PdqHash;

import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** The admins' /exchanges page: "Fetch now" runs an exchange_fetch job against a fake StopNCII. */
class ExchangesPanelTest {
    static final String PASSWORD = "correct horse battery";
    static final Pattern JOB = Pattern.compile("\\(job (\\d+)\\)");

    @TempDir
    Path dir;
    TestServer server;
    FakeExchangeServer fake;
    String admin;
    PanelClient ada;
    final ObjectMapper json = new ObjectMapper();

    static String random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new PdqHash(r.nextLong(), r.nextLong(), r.nextLong(), r.nextLong()).hex();
    }

    static String record(String hash) {
        return "{\"lastModtimestamp\": 1700000000, \"hashValue\": \"" + hash + "\", \"hashStatus\": \"Active\","
                + " \"caseNumbers\": {\"case-1\": \"Active\"}, \"signalType\": \"ImagePDQ\"}";
    }

    /** StopNCII's shape: two pages of hashes, then nothing new. */
    static FakeExchangeServer.Answer twoPages(FakeExchangeServer.Seen s) {
        String token = s.query().get("nextPageToken");
        String body;
        if ("10".equals(s.query().get("startTimestamp")) && token == null) {
            body = "{\"count\": 2, \"nextSetTimestamp\": 1700000100, \"nextPageToken\": \"p2\", \"hasMoreRecords\": true,"
                    + " \"hashRecords\": [" + record(random(11)) + ", " + record(random(12)) + "]}";
        } else if ("p2".equals(token)) {
            body = "{\"count\": 1, \"nextSetTimestamp\": 1700000200, \"hasMoreRecords\": false, \"hashRecords\": ["
                    + record(random(13)) + "]}";
        } else {
            body = "{\"count\": 0, \"nextSetTimestamp\": 1700000200, \"hasMoreRecords\": false, \"hashRecords\": []}";
        }
        return new FakeExchangeServer.Answer(200, "application/json", body);
    }

    @BeforeEach
    void start() {
        fake = new FakeExchangeServer();
        server = new TestServer(Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("ingest.workers", 0).with("exchanges.allow_custom_endpoints", true));
        admin = server.token("admin", Scope.ADMIN);
        TestServer.Response creds = server.postJson("/c/exchanges/api/stop_ncii", admin, "{\"credential_json\":"
                + " {\"fetch_function_key\": \"fk\", \"subscription_key\": \"sk\", \"base_url_override\": \"" + fake.base() + "/v1/\"}}");
        assertThat(creds.status()).as(creds.body()).isEqualTo(200);
        TestServer.Response created = server.postJson("/c/exchanges", admin, "{\"bank\": \"SNCII\", \"api\": \"stop_ncii\", \"api_json\": {}}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        server.deps.users().create("ada", Role.ADMIN, PASSWORD);
        server.deps.users().create("mia", Role.MODERATOR, PASSWORD);
        ada = login("ada");
        ada.get("/exchanges");
    }

    @AfterEach
    void stop() {
        if (server != null) server.close();
        if (fake != null) fake.close();
    }

    PanelClient login(String name) {
        PanelClient c = new PanelClient(server.base);
        assertThat(c.login(name, PASSWORD).status()).isIn(302, 303);
        return c;
    }

    static long jobId(String body) {
        Matcher m = JOB.matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return Long.parseLong(m.group(1));
    }

    JsonNode awaitFinished(long id) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            PanelClient.Page p = ada.get("/jobs/" + id);
            assertThat(p.status()).as(p.body()).isEqualTo(200);
            JsonNode job = json.readTree(p.body());
            String state = job.path("state").asText();
            if (!state.equals("queued") && !state.equals("running")) return job;
            assertThat(System.nanoTime()).as("job " + id + " still " + state).isLessThan(until);
            Thread.sleep(50);
        }
    }

    List<AuditEvent> audit(String action) {
        return server.deps.audit().search("", action, "", Long.MAX_VALUE, 100);
    }

    @Test
    void fetch_now_runs_a_job_that_counts_its_pages_adds_the_hashes_and_shows_on_the_page() throws Exception {
        fake.handler = ExchangesPanelTest::twoPages;
        String before = ada.get("/exchanges").body();
        assertThat(before).contains("data-exchange=\"SNCII\"").contains("stop_ncii").contains(">observe<")
                .contains("Fetch now").doesNotContain("data-job=");

        PanelClient.Page started = ada.postForm("/exchanges/SNCII/fetch");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        long id = jobId(started.body());
        JsonNode job = awaitFinished(id);
        assertThat(job.path("kind").asText()).isEqualTo("exchange_fetch");
        assertThat(job.path("subject").asText()).isEqualTo("exchange:SNCII");
        assertThat(job.path("state").asText()).as(job.toString()).isEqualTo("done");
        assertThat(job.path("done").asLong()).isEqualTo(2); // pages
        assertThat(job.path("total").asLong()).isEqualTo(2);
        assertThat(job.path("error").isNull()).isTrue();
        // the result is applied: three hashes in the exchange's bank
        long bankId = server.deps.banks().get("SNCII").id();
        assertThat(server.deps.banks().countActive(bankId)).isEqualTo(3);
        assertThat(audit("exchange_fetch")).singleElement().satisfies(e -> {
            assertThat(e.actor()).isEqualTo("ada");
            assertThat(e.target()).isEqualTo("exchange:SNCII");
            assertThat(e.detail()).isEqualTo("job=" + id);
        });
        String after = ada.get("/exchanges").body();
        assertThat(after).contains("data-job=\"" + id + "\" data-state=\"done\"").contains("<td class=\"num items\">3</td>");
    }

    @Test
    void a_second_fetch_while_one_runs_starts_no_other_job_and_a_failed_fetch_shows_its_error() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        fake.handler = s -> {
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return new FakeExchangeServer.Answer(401, "application/json", "{\"statusCode\": 401, \"message\": \"Access denied\"}");
        };
        long id = jobId(ada.postForm("/exchanges/SNCII/fetch").body());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (fake.seen.isEmpty()) {
            assertThat(System.nanoTime()).isLessThan(until);
            Thread.sleep(20);
        }
        // the job is running (the fake holds its request): the button is disabled, a second ask starts nothing
        assertThat(ada.get("/exchanges").body()).contains("data-job=\"" + id + "\" data-state=\"running\"")
                .contains("disabled title=\"a fetch of this exchange is running\"");
        PanelClient.Page again = ada.postForm("/exchanges/SNCII/fetch");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).contains("already queued or running (job " + id + ")");
        assertThat(server.deps.jobs().recent("exchange:SNCII", 10)).hasSize(1);
        release.countDown();

        JsonNode job = awaitFinished(id);
        assertThat(job.path("state").asText()).isEqualTo("failed");
        assertThat(job.path("error").asText()).startsWith("fetch failed: ").containsIgnoringCase("401");
        assertThat(ada.get("/exchanges").body()).contains("class=\"tag warn job-error\"").contains("fetch failed: ");
        long bankId = server.deps.banks().get("SNCII").id();
        assertThat(server.deps.banks().countActive(bankId)).isZero();
    }

    @Test
    void a_cancelled_fetch_stops_between_pages_keeping_what_it_applied() throws Exception {
        CountDownLatch second = new CountDownLatch(1);
        fake.handler = s -> {
            if (s.query().get("nextPageToken") != null) {
                try {
                    second.await(20, TimeUnit.SECONDS); // the second page waits until the job is cancelled
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                // more would follow: only the cancellation stops the fetch here
                return new FakeExchangeServer.Answer(200, "application/json", "{\"count\": 1, \"nextSetTimestamp\": 1700000200,"
                        + " \"nextPageToken\": \"p3\", \"hasMoreRecords\": true, \"hashRecords\": [" + record(random(13)) + "]}");
            }
            return twoPages(s);
        };
        long id = jobId(ada.postForm("/exchanges/SNCII/fetch").body());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (fake.seen.size() < 2) {
            assertThat(System.nanoTime()).isLessThan(until);
            Thread.sleep(20);
        }
        PanelClient.Page cancel = ada.postForm("/jobs/" + id + "/cancel");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        second.countDown();
        assertThat(awaitFinished(id).path("state").asText()).isEqualTo("cancelled");
        Thread.sleep(500);
        // the pages it had (three hashes) stay; it asked for no page after the one it was on, though more were offered
        long bankId = server.deps.banks().get("SNCII").id();
        assertThat(server.deps.banks().countActive(bankId)).isEqualTo(3);
        assertThat(fake.seen).hasSize(2);
        assertThat(server.deps.exchanges().find("SNCII").orElseThrow().row().upToDate()).isFalse();
        assertThat(audit("job_cancel")).singleElement().satisfies(e -> assertThat(e.actor()).isEqualTo("ada"));
    }

    @Test
    void only_admins_reach_the_exchanges_page_and_an_unknown_exchange_is_not_found() {
        PanelClient mia = login("mia");
        assertThat(mia.get("/exchanges").status()).isEqualTo(403);
        assertThat(mia.get("/").body()).doesNotContain("href=\"/exchanges\"");
        assertThat(ada.get("/").body()).contains("href=\"/exchanges\"");
        mia.get("/queue");
        assertThat(mia.postForm("/exchanges/SNCII/fetch").status()).isEqualTo(403);
        assertThat(server.deps.jobs().recent("exchange:SNCII", 10)).isEmpty();
        PanelClient.Page unknown = ada.postForm("/exchanges/NOPE/fetch");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body()).contains("exchange-error");
    }
}
