package org.sightline.dsa;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sightline.TestServer;
import org.sightline.access.Role;
import org.sightline.access.User;
import org.sightline.review.ReviewService;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue #16: the public appeal page refuses bad and expired links, oversize text, missing CSRF, and floods. */
class AppealPageAbuseTest {
    @TempDir
    Path data;
    DsaFixture f;

    @AfterEach
    void stop() {
        if (f != null) f.close();
    }

    private String statementUrl(String status) {
        long media = f.scan(status, "acct" + status);
        User mia = f.server.deps.users().find("mia").orElseGet(() ->
                f.server.deps.users().create("mia", Role.MODERATOR, "correct horse battery"));
        f.server.deps.review().confirm(f.caseId(media), mia, new ReviewService.Confirm(List.of("spam"), null,
                List.of("delete"), null));
        return f.onlyStatement(media).get("appeal_url").asText();
    }

    private long appeals() {
        return f.server.deps.database().jdbi().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM appeals")
                .mapTo(Long.class).one());
    }

    @Test
    void bad_expired_oversize_and_forged_appeals_are_refused_and_store_nothing() {
        f = new DsaFixture(data, "review");
        String url = statementUrl("7101");

        DsaFixture.Page bad = f.get("/appeal/" + "A".repeat(43), null, null);
        assertThat(bad.status()).isEqualTo(404);
        assertThat(bad.body()).contains("id=\"appeal-invalid\"");
        DsaFixture.Page page = f.get(url, null, null);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.body()).contains("the post was deleted").doesNotContain("<img").doesNotContain("/media/");
        assertThat(f.postForm("/appeal/" + "A".repeat(43), page.cookie(), "csrf", page.csrf(), "text", "x").status())
                .isEqualTo(404);

        // no CSRF token, a wrong one, or one without its cookie
        assertThat(f.postForm(url, page.cookie(), "text", "hello").status()).isEqualTo(403);
        assertThat(f.postForm(url, page.cookie(), "csrf", "wrong-wrong-wrong-wrong-wrong", "text", "hello").status())
                .isEqualTo(403);
        assertThat(f.postForm(url, null, "csrf", page.csrf(), "text", "hello").status()).isEqualTo(403);
        // empty and oversize text
        assertThat(f.postForm(url, page.cookie(), "csrf", page.csrf(), "text", "   ").status()).isEqualTo(400);
        DsaFixture.Page big = f.postForm(url, page.cookie(), "csrf", page.csrf(), "text", "x".repeat(5001));
        assertThat(big.status()).isEqualTo(413);
        assertThat(big.body()).contains("too long");
        assertThat(appeals()).isZero();

        // one appeal per statement
        assertThat(f.postForm(url, page.cookie(), "csrf", page.csrf(), "text", "x".repeat(5000)).status()).isEqualTo(200);
        assertThat(f.postForm(url, page.cookie(), "csrf", page.csrf(), "text", "again").status()).isEqualTo(409);
        assertThat(appeals()).isEqualTo(1);

        // an expired link shows the statement but takes no appeal
        String old = statementUrl("7102");
        f.server.deps.database().jdbi().useHandle(h -> h.createUpdate(
                "UPDATE statements SET appeal_deadline = :past WHERE appeal_deadline > :past")
                .bind("past", java.time.Instant.now().minusSeconds(60)).execute());
        DsaFixture.Page expired = f.get(old, null, null);
        assertThat(expired.status()).isEqualTo(410);
        assertThat(expired.body()).contains("id=\"appeal-expired\"").doesNotContain("id=\"appeal-form\"");
        assertThat(f.postForm(old, page.cookie(), "csrf", page.csrf(), "text", "late").status()).isEqualTo(403);
        assertThat(appeals()).isEqualTo(1);
    }

    @Test
    void a_hundred_requests_a_minute_are_cut_off_per_link_and_per_address() {
        f = new DsaFixture(data, "review", "http.forwarded_for", true);
        String url = statementUrl("7103");
        // one link from many addresses: its own limit (dsa.appeal_rate_per_token, 10 an hour)
        int ok = 0, limited = 0;
        for (int i = 0; i < 100; i++) {
            int status = f.get(url, null, "203.0.113." + i).status();
            if (status == 200) ok++;
            else if (status == 429) limited++;
        }
        assertThat(ok).isEqualTo(10);
        assertThat(limited).isEqualTo(90);
        // the limits are counted in the database: a second node over the same database refuses the link too
        try (TestServer second = new TestServer(org.sightline.config.Config.defaults().with("data.dir", data)
                .with("http.forwarded_for", true))) {
            assertThat(second.get(java.net.URI.create(url).getRawPath(), null).status()).isEqualTo(429);
        }
        // ... and they keep neither the link nor the address, only digests
        String linkStart = url.substring(url.lastIndexOf('/') + 1, url.lastIndexOf('/') + 9);
        long raw = f.server.deps.database().jdbi().withHandle(h -> h.createQuery(
                        "SELECT COUNT(*) FROM rate_hits WHERE hit_key LIKE :raw OR hit_key LIKE '203.0.113.%'")
                .bind("raw", "%" + linkStart + "%").mapTo(Long.class).one());
        assertThat(raw).isZero();
        // guessing links from one address: its limit (dsa.appeal_rate_per_address, 30 an hour)
        int guessed = 0, guessesLimited = 0;
        for (int i = 0; i < 100; i++) {
            int status = f.get("/appeal/guess" + "x".repeat(30) + i, null, "198.51.100.7").status();
            if (status == 404) guessed++;
            else if (status == 429) guessesLimited++;
        }
        assertThat(guessed).isEqualTo(30);
        assertThat(guessesLimited).isEqualTo(70);
        assertThat(f.get("/appeal/guess" + "x".repeat(30), null, "198.51.100.8").status()).isEqualTo(404);
        assertThat(appeals()).isZero();
    }
}
