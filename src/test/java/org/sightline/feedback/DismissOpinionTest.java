package org.sightline.feedback;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.config.Config;
import org.sightline.exchanges.FakeExchangeServer;
import org.sightline.hma.HmaHttp;
import org.sightline.ingest.Webhooks;
import org.sightline.store.TestDatabases;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A moderator's dismissal with an opinion on the exchange entry its match rests on reaches the exchange through its
 * documented feedback call (fakes of StopNCII and NCMEC), durably; without an opinion nothing leaves.
 */
class DismissOpinionTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String NCMEC_AUTH = "Basic " + Base64.getEncoder().encodeToString("ncmec-user:ncmec-pass".getBytes(StandardCharsets.UTF_8));
    static final String NS = "https://hashsharing.ncmec.org/hashsharing/v2";

    @TempDir
    Path dir;
    TestServer server;
    FakeExchangeServer fake = new FakeExchangeServer();
    String admin;
    String scanner;
    String reviewer;
    HmaHttp hma;

    void open() {
        open(0);
    }

    void open(int undoSeconds) {
        Config config = Config.defaults().with("data.dir", dir).with("fetch.allow_private_addresses", true)
                .with("classifier.local.enabled", false).with("exchanges.allow_custom_endpoints", true)
                .with("feedback.retry_seconds", 1).with("panel.undo_seconds", undoSeconds);
        if (pgUrl != null) config = config.with("db.url", pgUrl).with("db.user", TestDatabases.PG_USER);
        server = new TestServer(config);
        if (admin == null) {
            admin = server.token("admin", Scope.ADMIN);
            scanner = server.token("scanner", Scope.SCAN);
            reviewer = server.token("reviewer", Scope.REVIEW);
        }
        hma = new HmaHttp(server.base, admin);
    }

    /** Set: the server runs on this PostgreSQL schema instead of H2. */
    String pgUrl;

    @AfterEach
    void stop() {
        if (server != null) server.close();
        fake.close();
        if (pgUrl != null) TestDatabases.dropPostgresSchema(pgUrl);
    }

    JsonNode scan(String image) {
        TestServer.Response r = server.postJson("/api/v1/media", scanner, "{\"image_base64\":\""
                + Base64.getEncoder().encodeToString(Webhooks.resource("/pdq/images/" + image)) + "\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Creates the exchange, lets its bank enforce and fetches: the scanned media's late match opens a case. */
    long caseFromExchange(String bank, String api, String apiJson, long mediaId) {
        HmaHttp.Answer created = hma.json("POST", "/c/exchanges", "{\"bank\": \"" + bank + "\", \"api\": \"" + api
                + "\", \"api_json\": " + apiJson + "}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(server.send("PATCH", "/api/v1/banks/" + bank, admin, "application/json", "{\"mode\": \"enforce\"}", null)
                .status()).isEqualTo(200);
        HmaHttp.Answer fetched = hma.send("POST", "/api/v1/exchanges/" + bank + "/fetch", null, null);
        assertThat(fetched.status()).as(fetched.body()).isEqualTo(200);
        assertThat(fetched.json().path("matched_late").asInt()).as(fetched.body()).isEqualTo(1);
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT id FROM cases WHERE media_id = :m")
                .bind("m", mediaId).mapTo(Long.class).one());
    }

    TestServer.Response dismiss(long caseId, String opinion) {
        return server.postJson("/api/v1/cases/" + caseId + "/decision", reviewer, "{\"decision\": \"dismiss\","
                + " \"reason\": \"a holiday photo\"" + (opinion == null ? "" : ", \"entry_opinion\": \"" + opinion + "\"") + "}");
    }

    List<FakeExchangeServer.Seen> seen(Predicate<FakeExchangeServer.Seen> p) {
        return fake.seen.stream().filter(p).toList();
    }

    List<FakeExchangeServer.Seen> await(Predicate<FakeExchangeServer.Seen> p, int count) throws InterruptedException {
        long until = System.nanoTime() + 15_000_000_000L;
        while (seen(p).size() < count && System.nanoTime() < until) Thread.sleep(50);
        return seen(p);
    }

    static FakeExchangeServer.Answer json(String body) {
        return new FakeExchangeServer.Answer(200, "application/json", body);
    }

    @Test
    void a_false_positive_on_a_stop_ncii_entry_is_sent_as_exactly_its_submit_feedback_request() throws Exception {
        open();
        JsonNode media = scan("pytx/rgb.jpeg");
        String pdq = media.get("signals").get("pdq").asText();
        fake.handler = s -> {
            if (s.path().equals("/v1/FetchHashes")) {
                return json("{\"count\": 1, \"nextSetTimestamp\": 1700000100, \"hasMoreRecords\": false, \"hashRecords\": [{"
                        + "\"lastModtimestamp\": 1700000000, \"hashValue\": \"" + pdq + "\", \"hashStatus\": \"Active\","
                        + " \"caseNumbers\": {\"case-1\": \"Active\"}, \"signalType\": \"ImagePDQ\"}]}");
            }
            if (s.path().equals("/v1/SubmitFeedback") && s.method().equals("POST")) return json("{}");
            return new FakeExchangeServer.Answer(404, "text/plain", "");
        };
        assertThat(hma.json("POST", "/c/exchanges/api/stop_ncii", "{\"credential_json\": {\"fetch_function_key\": \"fk\","
                + " \"subscription_key\": \"sk\", \"submit_feedback_function_key\": \"feedback-key\", \"base_url_override\": \""
                + fake.base() + "/v1\"}}").status()).isEqualTo(200);
        long caseId = caseFromExchange("SNCII", "stop_ncii", "{}", media.get("id").asLong());

        // the case page names the exchange in the dismiss form
        String page = server.deps.review().feedbackTargets(server.deps.review().find(caseId).orElseThrow()).toString();
        assertThat(page).contains("exchange SNCII (stop_ncii)");

        TestServer.Response r = dismiss(caseId, "false_positive");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<FakeExchangeServer.Seen> posts = await(s -> s.path().equals("/v1/SubmitFeedback"), 1);
        assertThat(posts).hasSize(1);
        FakeExchangeServer.Seen post = posts.get(0);
        assertThat(post.method()).isEqualTo("POST");
        assertThat(post.headers().get("x-functions-key")).isEqualTo("feedback-key");
        assertThat(post.headers().get("ocp-apim-subscription-key")).isEqualTo("sk");
        assertThat(post.headers().get("content-type")).startsWith("application/json");
        assertThat(JSON.readTree(post.body())).isEqualTo(JSON.readTree("{\"count\": 1, \"hashFeedbacks\": [{\"tags\":"
                + " [\"false_positive\"], \"feedbackValue\": \"NotBlocked\", \"hashValue\": \"" + pdq + "\"}]}"));

        // recorded: the dismissal names the opinion, the delivery is audited, the row is sent once
        assertThat(server.deps.audit().search("token:reviewer", "dismiss", "case:" + caseId, Long.MAX_VALUE, 5).get(0).detail())
                .contains("entry_opinion=false_positive");
        awaitState(caseId, "sent");
        assertThat(server.deps.audit().search("", "entry_feedback_sent", "case:" + caseId, Long.MAX_VALUE, 5)).hasSize(1);
        Thread.sleep(1500);
        assertThat(seen(s -> s.path().equals("/v1/SubmitFeedback"))).hasSize(1);
    }

    void awaitState(long caseId, String state) throws InterruptedException {
        long until = System.nanoTime() + 15_000_000_000L;
        while (System.nanoTime() < until) {
            List<EntryFeedbackDao.Row> rows = server.deps.feedback().forCase(caseId);
            if (!rows.isEmpty() && rows.stream().allMatch(r -> r.state().equals(state))) return;
            Thread.sleep(50);
        }
        assertThat(server.deps.feedback().forCase(caseId)).extracting(EntryFeedbackDao.Row::state).containsOnly(state);
    }

    /** NCMEC: entries with a PDQ fingerprint, one feedback reason, and a feedback PUT answered by {@code put}. */
    FakeExchangeServer.Answer ncmec(FakeExchangeServer.Seen s, String pdq, AtomicInteger puts, int failFirst) {
        if (!NCMEC_AUTH.equals(s.headers().get("authorization"))) return new FakeExchangeServer.Answer(401, "text/plain", "");
        String ns = "xmlns=\"" + NS + "\"";
        if (s.path().equals("/hashsharing/v2/entries")) {
            return new FakeExchangeServer.Answer(200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<queryResult " + ns + "><images count=\"1\" maxTimestamp=\"2017-10-24T15:10:00Z\"><image>"
                    + "<member id=\"42\">Example Member</member><timestamp>2017-10-24T15:00:00Z</timestamp><id>image1</id>"
                    + "<fingerprints><md5>a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1</md5><pdq>" + pdq + "</pdq></fingerprints></image>"
                    + "</images><videos count=\"0\"/></queryResult>");
        }
        if (s.path().equals("/hashsharing/v2/feedback/PDQ/reasons") && s.method().equals("GET")) {
            return new FakeExchangeServer.Answer(200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                    + "<availableFeedbackReasons " + ns + "><reason guid=\"01234567-abcd-0123-4567-012345678900\""
                    + " name=\"Not CSAM\" type=\"PDQ\"/></availableFeedbackReasons>");
        }
        if (s.path().equals("/hashsharing/v2/entries/42/image1/PDQ/feedback") && s.method().equals("PUT")) {
            if (puts.incrementAndGet() <= failFirst) return new FakeExchangeServer.Answer(503, "text/plain", "");
            return new FakeExchangeServer.Answer(200, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                    + "<submissionResult " + ns + "/>");
        }
        return new FakeExchangeServer.Answer(404, "text/plain", "");
    }

    @Test
    void an_ncmec_opinion_refused_at_first_is_tried_again_after_a_restart_and_delivered_as_its_negative_feedback()
            throws Exception {
        refusedFirstThenDelivered();
    }

    @Test
    void on_postgres_too_an_opinion_refused_at_first_is_retried_after_a_restart_and_delivered() throws Exception {
        pgUrl = TestDatabases.createPostgresSchema();
        refusedFirstThenDelivered();
        assertThat(server.deps.database().postgres()).isTrue();
    }

    /** A case resting on an entry of a fake NCMEC exchange that refuses the first {@code refusals} feedback calls. */
    long ncmecCase(int refusals) throws Exception {
        JsonNode media = scan("pytx/rgb.jpeg");
        String pdq = media.get("signals").get("pdq").asText();
        AtomicInteger puts = new AtomicInteger();
        fake.handler = s -> ncmec(s, pdq, puts, refusals);
        assertThat(hma.json("POST", "/c/exchanges/api/ncmec", "{\"credential_json\": {\"user\": \"ncmec-user\","
                + " \"password\": \"ncmec-pass\"}}").status()).isEqualTo(200);
        return caseFromExchange("NCMEC_X", "ncmec", "{\"environment\": \"" + fake.base() + "/hashsharing\"}",
                media.get("id").asLong());
    }

    void refusedFirstThenDelivered() throws Exception {
        open();
        long caseId = ncmecCase(1);

        assertThat(dismiss(caseId, "disputed").status()).isEqualTo(200);
        Predicate<FakeExchangeServer.Seen> feedbackPut = s -> s.method().equals("PUT");
        assertThat(await(feedbackPut, 1)).hasSize(1);
        // the first attempt failed: still pending, with why, and nothing lost over a restart
        long until = System.nanoTime() + 5_000_000_000L;
        while (server.deps.feedback().forCase(caseId).get(0).attempts() < 1 && System.nanoTime() < until) Thread.sleep(20);
        EntryFeedbackDao.Row failed = server.deps.feedback().forCase(caseId).get(0);
        assertThat(failed.state()).isEqualTo("pending");
        assertThat(failed.result()).contains("HTTP 503");
        server.close();
        server = null;
        open();
        awaitState(caseId, "sent");
        List<FakeExchangeServer.Seen> all = seen(feedbackPut);
        assertThat(all).hasSize(2);
        FakeExchangeServer.Seen put = all.get(1);
        assertThat(put.path()).isEqualTo("/hashsharing/v2/entries/42/image1/PDQ/feedback");
        assertThat(put.headers().get("content-type")).isEqualTo("application/xml; charset=utf-8");
        assertThat(put.body()).isEqualTo("<?xml version=\"1.0\" encoding=\"UTF-8\"?><feedbackSubmission xmlns=\"" + NS + "\">"
                + "<negative><reasonIds><guid>01234567-abcd-0123-4567-012345678900</guid></reasonIds></negative>"
                + "</feedbackSubmission>");
        assertThat(server.deps.feedback().forCase(caseId).get(0).attempts()).isEqualTo(2);
    }

    @Test
    void a_dismissal_without_an_opinion_sends_nothing() throws Exception {
        open();
        long caseId = ncmecCase(0);
        int before = fake.seen.size();
        assertThat(dismiss(caseId, null).status()).isEqualTo(200);
        assertThat(server.deps.feedback().deliverDue()).isZero();
        Thread.sleep(1500);
        assertThat(fake.seen.size()).isEqualTo(before);
        assertThat(server.deps.feedback().forCase(caseId)).isEmpty();
    }

    @Test
    void an_exchange_that_takes_no_feedback_is_named_and_an_opinion_on_it_refused() {
        open();
        JsonNode media = scan("pytx/rgb.jpeg");
        String pdq = media.get("signals").get("pdq").asText();
        fake.handler = s -> new FakeExchangeServer.Answer(200, "text/plain", "pdq " + pdq + "\n");
        long caseId = caseFromExchange("FILEX", "file", "{\"url\": \"" + fake.base() + "/list.txt\"}", media.get("id").asLong());
        TestServer.Response refused = dismiss(caseId, "false_positive");
        assertThat(refused.status()).as(refused.body()).isEqualTo(400);
        assertThat(refused.json().path("message").asText()).contains("exchange FILEX (file): this exchange takes no feedback");
        assertThat(dismiss(caseId, "maybe").status()).isEqualTo(400);
        // the case is still open, and a plain dismissal works
        assertThat(dismiss(caseId, "none").status()).isEqualTo(200);
        assertThat(server.deps.feedback().forCase(caseId)).isEmpty();
    }

    @Test
    void an_opinion_waits_for_the_undo_window_and_an_undone_dismissal_withdraws_it() throws Exception {
        open(60);
        long caseId = ncmecCase(0);
        assertThat(dismiss(caseId, "false_positive").status()).isEqualTo(200);
        EntryFeedbackDao.Row held = server.deps.feedback().forCase(caseId).get(0);
        assertThat(held.state()).isEqualTo("pending");
        assertThat(held.nextAttemptAt()).isAfter(java.time.Instant.now().plusSeconds(30));
        assertThat(server.deps.feedback().deliverDue()).isZero();

        org.sightline.access.User reviewerUser = new org.sightline.access.User(-1, "token:reviewer", "moderator", 0, false,
                false, false, java.time.Instant.EPOCH);
        server.deps.review().undo(caseId, reviewerUser);
        assertThat(server.deps.feedback().forCase(caseId)).isEmpty();
        assertThat(server.deps.audit().search("token:reviewer", "undo", "case:" + caseId, Long.MAX_VALUE, 5).get(0).detail())
                .contains("opinions_withdrawn=1");
        assertThat(seen(s -> s.method().equals("PUT"))).isEmpty();
    }
}
