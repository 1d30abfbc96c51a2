package org.sightline.panel;

import com.fasterxml.jackson.databind.JsonNode;
import org.sightline.TestServer;
import org.sightline.access.Scope;
import org.sightline.banks.BankService;
import org.sightline.review.CaseDao;
import org.sightline.review.CaseRecord;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** Seeds review cases through the real scan API: a bank holding an image's PDQ, then scans of that image. */
final class PanelFixtures {
    static final String IMAGE = "/pdq/images/bridge-mods/square-256x256.jpg";

    private PanelFixtures() {
    }

    static byte[] resource(String path) {
        try (InputStream in = PanelFixtures.class.getResourceAsStream(path)) {
            if (in == null) throw new AssertionError("missing test resource " + path);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Creates bank {@code known-bad} (labels: spam) and allow-bank {@code known-good}; returns the image's PDQ. */
    static String banks(TestServer server) {
        String token = server.token("fixture-bank-" + System.nanoTime(), Scope.SCAN);
        JsonNode first = scan(server, token, "0", "nobody");
        String pdq = first.get("signals").get("pdq").asText();
        server.deps.banks().create(new BankService.BankSpec("known-bad", "local", "review", "enforce",
                List.of("spam"), null, null, null));
        server.deps.banks().addEntries("known-bad", List.of(new BankService.NewEntry("pdq", pdq, List.of("spam"),
                "seeded for the panel tests", null, null)), "fixture");
        server.deps.banks().create(new BankService.BankSpec("known-good", "allow", "review", "enforce",
                List.of(), null, null, null));
        return pdq;
    }

    /** Scans the image {@code n} times (statuses 1..n); each scan matches known-bad and opens a case. */
    static List<Long> cases(TestServer server, int n) {
        String token = server.token("fixture-scan-" + System.nanoTime(), Scope.SCAN);
        List<Long> ids = new ArrayList<>();
        CaseDao dao = server.deps.database().jdbi().onDemand(CaseDao.class);
        for (int i = 1; i <= n; i++) {
            JsonNode r = scan(server, token, Integer.toString(i), "user" + i + "@remote.example");
            long mediaId = r.get("id").asLong();
            ids.add(dao.forMedia(mediaId).map(CaseRecord::id)
                    .orElseThrow(() -> new AssertionError("no case for media " + mediaId + ": " + r)));
        }
        return ids;
    }

    static long mediaOf(TestServer server, long caseId) {
        return server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT media_id FROM cases WHERE id = :id")
                .bind("id", caseId).mapTo(Long.class).one());
    }

    private static JsonNode scan(TestServer server, String token, String status, String account) {
        String b64 = Base64.getEncoder().encodeToString(resource(IMAGE));
        TestServer.Response r = server.postJson("/api/v1/media", token, "{\"image_base64\":\"" + b64
                + "\",\"status\":\"" + status + "\",\"account\":\"" + account + "\"}");
        if (r.status() != 200) throw new AssertionError("scan failed: " + r.status() + " " + r.body());
        return r.json();
    }
}
