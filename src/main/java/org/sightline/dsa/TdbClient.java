package org.sightline.dsa;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.config.SecretBox;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Submits statements to the EU Transparency Database ({@code POST <dsa.tdb_url>/api/v1/statement}, bearer token),
 * one at a time as durable work items: claimed with {@code FOR UPDATE SKIP LOCKED} and a lease, so several nodes
 * share the work. 201 marks a statement submitted; the database's 422 for a PUID it already holds means an earlier
 * attempt went through (the answer was lost), so it counts as submitted; another 4xx fails for good with the
 * database's message; 5xx, 408, 429 and network errors retry with backoff, up to {@link #MAX_ATTEMPTS}. Off unless
 * {@code dsa.tdb_url} is set (micro and small enterprises are exempt from submitting).
 */
public final class TdbClient implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TdbClient.class);
    static final int MAX_ATTEMPTS = 8;
    private static final Duration LEASE = Duration.ofMinutes(5);

    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;
    private final String url;
    private final String token;
    private final Duration interval;
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private ScheduledExecutorService timer;

    public TdbClient(Jdbi jdbi, AuditLog audit, SecretBox secrets, Clock clock, DsaSettings settings) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
        this.url = settings.tdbUrl().map(u -> u.endsWith("/") ? u.substring(0, u.length() - 1) : u).orElse(null);
        this.token = settings.tdbToken().map(t -> SecretBox.isSealed(t) ? secrets.open(t) : t).orElse(null);
        this.interval = settings.tdbInterval();
    }

    public boolean enabled() {
        return url != null;
    }

    public synchronized void start() {
        if (!enabled() || timer != null) return;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tdb-submit");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleWithFixedDelay(this::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void round() {
        try {
            submitDue(100);
        } catch (RuntimeException e) {
            log.warn("event=tdb_round_failed {}", e.getClass().getSimpleName());
        }
    }

    /** Submits up to {@code max} due statements; returns how many were attempted. */
    public int submitDue(int max) {
        if (!enabled()) return 0;
        int n = 0;
        while (n < max) {
            Optional<Statement> next = jdbi.inTransaction(h -> {
                StatementDao dao = h.attach(StatementDao.class);
                Optional<Long> id = dao.lockNextSubmission(now());
                id.ifPresent(i -> dao.leaseSubmission(i, now().plus(LEASE)));
                return id.flatMap(dao::byId);
            });
            if (next.isEmpty()) break;
            submit(next.get());
            n++;
        }
        return n;
    }

    private void submit(Statement s) {
        String state;
        String result;
        Instant nextAt = null;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + "/api/v1/statement"))
                    .timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json").header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(StatementService.tdbJson(s))));
            if (token != null) request.header("Authorization", "Bearer " + token);
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            int status = answer.statusCode();
            JsonNode body = parse(answer.body());
            if (status == 200 || status == 201) {
                state = Statement.TDB_SUBMITTED;
                result = "HTTP " + status + (body.hasNonNull("uuid") ? " uuid=" + body.get("uuid").asText() : "");
            } else if (status == 422 && body.path("errors").has("puid") && body.has("existing")) {
                // its PUID is ours alone: the database holding it means an earlier attempt went through
                state = Statement.TDB_SUBMITTED;
                result = "HTTP 422: already in the database (an earlier attempt went through)";
            } else if (status >= 500 || status == 408 || status == 429) {
                state = s.tdbAttempts() >= MAX_ATTEMPTS ? Statement.TDB_FAILED : Statement.TDB_PENDING;
                result = "HTTP " + status;
                nextAt = backoff(s.tdbAttempts());
            } else {
                state = Statement.TDB_FAILED;
                result = "HTTP " + status + ": " + StatementService.clip(body.path("message").asText(""), 400);
            }
        } catch (IOException e) {
            state = s.tdbAttempts() >= MAX_ATTEMPTS ? Statement.TDB_FAILED : Statement.TDB_PENDING;
            result = "network: " + e.getClass().getSimpleName();
            nextAt = backoff(s.tdbAttempts());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return; // the lease runs out and another round retries it
        }
        String finalState = state;
        String finalResult = result;
        Instant next = Statement.TDB_PENDING.equals(state) ? nextAt : null;
        jdbi.useTransaction(h -> {
            h.attach(StatementDao.class).submission(s.id(), finalState, next, finalResult);
            if (!Statement.TDB_PENDING.equals(finalState)) {
                audit.append(h, AuditLog.SYSTEM, "statement_submit", "statement:" + s.puid(), finalState + ": " + finalResult);
            }
        });
        log.info("event=tdb_submit puid={} attempt={} state={}", s.puid(), s.tdbAttempts(), finalState);
    }

    private Instant backoff(int attempts) {
        return now().plus(interval.multipliedBy(1L << Math.min(10, Math.max(0, attempts - 1))));
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.createObjectNode() : json.readTree(body);
        } catch (IOException e) {
            return json.createObjectNode();
        }
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public synchronized void close() {
        if (timer != null) timer.shutdownNow();
        timer = null;
    }
}
