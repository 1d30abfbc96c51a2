package org.sightline.exchanges;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.banks.BankMode;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.config.SecretBox;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;
import org.sightline.matching.SignalType;
import org.sightline.store.Periodic;
import org.sightline.store.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Exchanges: their configuration (HMA's shapes), the sealed credentials of each API, and fetching — page by page
 * from a durable checkpoint, each page's adds, updates and deletions applied to the exchange's bank in one
 * transaction with the new checkpoint, one node at a time (a lease), on a schedule and on demand.
 *
 * <p>An exchange's bank is a {@code subscribed} bank, created in {@code observe} mode (an admin switches it to
 * {@code enforce} after looking at what it would match); each entry's provenance is {@code exchange:<name>} and the
 * record id. A fetch that adds far more than usual puts the bank back in observe mode (flood control).
 */
public final class ExchangeService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExchangeService.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** HMA's rule for exchange (and so bank) names. */
    public static final Pattern NAME = Pattern.compile("[A-Z0-9_]+");
    private static final Duration LEASE = Duration.ofMinutes(10);
    /** Pages one fetch reads at most; the next scheduled fetch goes on from the checkpoint. */
    private static final int MAX_PAGES_PER_FETCH = 1000;

    private final Jdbi jdbi;
    private final BankService banks;
    private final MediaFetcher fetcher;
    private final SecretBox secrets;
    private final AuditLog audit;
    private final Clock clock;
    private final ExchangeSettings settings;
    private final RecentMedia recent;
    private final Map<String, Exchange> apis = new LinkedHashMap<>();
    private final String node = UUID.randomUUID().toString().substring(0, 8);
    private Periodic timer;

    /**
     * Matches the media of the last days again against entries an exchange just added (the sharing stage's
     * retroactive matcher, wired in boot); {@code act}: open review cases (else record the matches as observed).
     * Returns the media matched.
     */
    public interface RecentMedia {
        int matchAgainst(Set<Long> entryIds, boolean act);
    }

    public ExchangeService(Jdbi jdbi, BankService banks, MediaFetcher fetcher, SecretBox secrets, AuditLog audit,
                           Clock clock, ExchangeSettings settings, List<Exchange> exchanges, RecentMedia recent) {
        this.recent = recent;
        this.jdbi = jdbi;
        this.banks = banks;
        this.fetcher = fetcher;
        this.secrets = secrets;
        this.audit = audit;
        this.clock = clock;
        this.settings = settings;
        for (Exchange e : exchanges) apis.putIfAbsent(e.name(), e);
    }

    /** The exchange APIs on the class path (the built-ins and any plugin jar's). */
    public static List<Exchange> discover() {
        List<Exchange> out = new ArrayList<>();
        ServiceLoader.load(Exchange.class, ExchangeService.class.getClassLoader()).forEach(out::add);
        return out;
    }

    public List<String> apiNames() {
        return List.copyOf(apis.keySet());
    }

    public Optional<Exchange> api(String name) {
        return Optional.ofNullable(apis.get(name));
    }

    // ---- credentials (per API, sealed; never shown back) ----

    public boolean hasCredentials(String api) {
        return jdbi.onDemand(ExchangeDao.class).credentials(api).isPresent();
    }

    /**
     * Whether {@code value} points the exchange at an endpoint other than its own: a value outside an enum of URLs
     * (such as NCMEC's environments), or a non-blank {@code *_url_override} (such as StopNCII's base URL).
     */
    static boolean customEndpoint(Exchange.Field f, String value) {
        if (f.name().endsWith("url_override")) return !value.isBlank();
        return f.choices() != null && !f.choices().contains(value) && f.choices().stream().allMatch(c -> c.startsWith("https://"));
    }

    /**
     * The credentials go wherever the endpoint is, so another endpoint (a proxy or a test double) is taken only where
     * the admin allowed it; the SSRF-safe fetcher still decides which addresses it may reach.
     */
    private void requireCustomEndpointsAllowed(Exchange.Field f, String prefix) {
        if (settings.allowCustomEndpoints()) return;
        String listed = f.choices() == null ? "" : " must be one of " + f.choices() + ":";
        throw Refusal.invalid(prefix + "'" + f.name() + "'" + listed + " another endpoint is taken only with exchanges.allow_custom_endpoints on");
    }

    /** Sets (or, with an empty map, clears) an API's credentials; checks the required fields first. */
    public void setCredentials(String api, Map<String, String> credentials, String actor) {
        Exchange e = api(api).orElseThrow(() -> Refusal.invalid("no such Exchange API '" + api + "'"));
        if (e.credentialSchema().isEmpty() && !credentials.isEmpty()) {
            throw Refusal.invalid("Tried to set credentials for " + api + ", but it doesn't take them");
        }
        Instant now = now();
        if (credentials.isEmpty()) {
            jdbi.useTransaction(h -> {
                h.attach(ExchangeDao.class).deleteCredentials(api);
                audit.append(h, actor, "exchange_credentials_clear", "exchange_api:" + api, "");
            });
            return;
        }
        Set<String> known = new HashSet<>();
        for (Exchange.Field f : e.credentialSchema()) {
            known.add(f.name());
            if (f.required() && (credentials.get(f.name()) == null || credentials.get(f.name()).isBlank())) {
                throw Refusal.invalid("credential_json needs '" + f.name() + "'");
            }
        }
        for (String k : credentials.keySet()) {
            if (!known.contains(k)) throw Refusal.invalid("credential_json has an unknown field '" + k + "'");
        }
        for (Exchange.Field f : e.credentialSchema()) {
            String v = credentials.get(f.name());
            if (v != null && customEndpoint(f, v)) requireCustomEndpointsAllowed(f, "credential_json: ");
        }
        String sealed;
        try {
            sealed = secrets.seal(JSON.writeValueAsString(credentials), "exchange:" + api);
        } catch (IOException ex) {
            throw new IllegalStateException("a map of strings is JSON", ex);
        }
        jdbi.useTransaction(h -> {
            ExchangeDao dao = h.attach(ExchangeDao.class);
            if (dao.updateCredentials(api, sealed, now) == 0) dao.insertCredentials(api, sealed, now);
            // which fields were set, never their values
            audit.append(h, actor, "exchange_credentials_set", "exchange_api:" + api, "fields=" + String.join(",", credentials.keySet()));
        });
    }

    private Map<String, String> credentials(String api) {
        return jdbi.onDemand(ExchangeDao.class).credentials(api).map(sealed -> {
            try {
                return JSON.readValue(secrets.open(sealed, "exchange:" + api), new TypeReference<Map<String, String>>() {
                });
            } catch (IOException ex) {
                throw new IllegalStateException("sealed credentials are JSON", ex);
            }
        }).orElse(Map.of());
    }

    // ---- configuration ----

    /** An exchange as configured, and its fetch state. */
    public record Info(ExchangeDao.Row row, Map<String, String> config, long fetchedItems) {
    }

    public Optional<Info> find(String name) {
        return jdbi.onDemand(ExchangeDao.class).find(name).map(this::info);
    }

    /** Every exchange as configured, with its fetch state, by name. */
    public List<Info> list() {
        return jdbi.onDemand(ExchangeDao.class).list().stream().map(this::info).toList();
    }

    /** The name and mode of the exchange's bank (its bank was deleted: empty). */
    public Optional<Bank> bank(Info info) {
        return banks.cached(info.row().bankId());
    }

    public List<String> names() {
        return jdbi.onDemand(ExchangeDao.class).list().stream().map(ExchangeDao.Row::name).toList();
    }

    private Info info(ExchangeDao.Row row) {
        return new Info(row, parseConfig(row.configJson()), jdbi.onDemand(ExchangeDao.class).countRecords(row.id()));
    }

    private static Map<String, String> parseConfig(String json) {
        try {
            return JSON.readValue(json, new TypeReference<LinkedHashMap<String, String>>() {
            });
        } catch (IOException e) {
            throw new IllegalStateException("exchanges.config_json is JSON written here", e);
        }
    }

    /**
     * Creates an exchange and its bank (same name; {@code subscribed}, {@code observe}, policy {@code review}) in one
     * transaction. {@code config} is checked against the API's schema.
     */
    public Info create(String name, String api, Map<String, String> config, boolean enabled, String actor) {
        if (name == null || !NAME.matcher(name).matches() || name.length() > 64) {
            throw Refusal.invalid("Field `bank` must match /^[A-Z0-9_]+$/");
        }
        Exchange e = api(api).orElseThrow(() -> Refusal.invalid("No such exchange type '" + api + "'"));
        Map<String, String> clean = new LinkedHashMap<>();
        Set<String> known = new HashSet<>();
        for (Exchange.Field f : e.configSchema()) {
            known.add(f.name());
            String v = config.get(f.name());
            if (f.required() && (v == null || v.isBlank())) throw Refusal.invalid("Failed to parse `api_json` - missing '" + f.name() + "'");
            boolean urlChoice = v != null && customEndpoint(f, v)
                    && (v.startsWith("https://") || v.startsWith("http://"));
            if (urlChoice) requireCustomEndpointsAllowed(f, "Failed to parse `api_json` - ");
            if (v != null && f.choices() != null && !f.choices().contains(v) && !urlChoice) {
                throw Refusal.invalid("Failed to parse `api_json` - '" + f.name() + "' must be one of " + f.choices());
            }
            if (v != null) clean.put(f.name(), v);
        }
        for (String k : config.keySet()) {
            if (!known.contains(k)) throw Refusal.invalid("Failed to parse `api_json` - unknown field '" + k + "'");
        }
        if (jdbi.onDemand(ExchangeDao.class).find(name).isPresent()) throw Refusal.conflict("exchange '" + name + "' already exists");
        String configJson;
        try {
            configJson = JSON.writeValueAsString(clean);
        } catch (IOException ex) {
            throw new IllegalStateException(ex);
        }
        Instant now = now();
        banks.create(new BankService.BankSpec(name, "subscribed", "review", "observe", null, null, null, null), actor,
                (h, bank) -> {
                    h.attach(ExchangeDao.class).insert(name, api, bank.id(), configJson, enabled, now);
                    audit.append(h, actor, "exchange_create", "exchange:" + name, "api=" + api + " config=" + configJson);
                });
        return find(name).orElseThrow();
    }

    public Info setEnabled(String name, boolean enabled, String actor) {
        ExchangeDao.Row row = row(name);
        jdbi.useTransaction(h -> {
            h.attach(ExchangeDao.class).setEnabled(row.id(), enabled);
            audit.append(h, actor, "exchange_update", "exchange:" + name, "enabled=" + enabled);
        });
        return find(name).orElseThrow();
    }

    /** Deletes the exchange and its bank; false when there was none. */
    public boolean delete(String name, String actor) {
        Optional<ExchangeDao.Row> found = jdbi.onDemand(ExchangeDao.class).find(name);
        if (found.isEmpty()) return false;
        ExchangeDao.Row row = found.get();
        Bank bank = banks.cached(row.bankId()).orElse(null);
        String bankName = bank != null ? bank.name() : name;
        if (bank != null) {
            // its entries are retracted first, as a removed subscription's are: the cases they raised are revisited
            // (closed when nothing else holds them), so no open case keeps the bank from going
            List<Long> active = new java.util.ArrayList<>();
            banks.forEachEntry(bankName, false, e -> active.add(e.id()));
            if (!active.isEmpty()) banks.applyAtomically(bankName, List.of(), active, actor, (h, added) -> { });
        }
        // with its bank when there still is one, else on its own
        if (!banks.delete(bankName, actor, true, forget(row, actor, bankName))) {
            jdbi.useTransaction(forget(row, actor, "(gone)")::accept);
        }
        return true;
    }

    /** Removes the exchange's row and mappings and audits it, in the caller's transaction. */
    private Consumer<Handle> forget(ExchangeDao.Row row, String actor, String bankName) {
        return h -> {
            ExchangeDao dao = h.attach(ExchangeDao.class);
            dao.unmapAll(row.id());
            dao.delete(row.id());
            audit.append(h, actor, "exchange_delete", "exchange:" + row.name(), "bank=" + bankName);
        };
    }

    private ExchangeDao.Row row(String name) {
        return jdbi.onDemand(ExchangeDao.class).find(name)
                .orElseThrow(() -> Refusal.notFound("Exchange '" + name + "' not found"));
    }

    // ---- fetching ----

    /** What one fetch did; {@code matchedLate}: recent media that matched what it added. */
    public record FetchOutcome(boolean ran, boolean succeeded, int pages, long added, long removed, int matchedLate,
                               String error) {
    }

    /**
     * Fetches the exchange now, unless another fetch holds it: pages until the source has no more (or the page
     * budget is spent), each page applied with its checkpoint in one transaction.
     */
    public FetchOutcome fetch(String name) {
        return fetch(name, (pages, added) -> true);
    }

    /** What a fetch has done so far: called after each applied page; false stops the fetch there (its job was cancelled). */
    public interface FetchProgress {
        boolean page(int pages, long added);
    }

    /** {@link #fetch(String)}, telling {@code progress} after each page applied (it may stop it between pages). */
    public FetchOutcome fetch(String name, FetchProgress progress) {
        ExchangeDao.Row row = row(name);
        Exchange api = api(row.api()).orElse(null);
        ExchangeDao dao = jdbi.onDemand(ExchangeDao.class);
        String lease = node + ":" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = now();
        if (dao.claim(row.id(), lease, now, now.plus(LEASE)) != 1) return new FetchOutcome(false, false, 0, 0, 0, 0, "a fetch is running");
        long removed = 0;
        Set<Long> addedIds = new HashSet<>();
        int pages = 0;
        String checkpoint = row.checkpoint();
        boolean upToDate = false;
        try {
            if (api == null) throw new ExchangeException("the exchange API '" + row.api() + "' is not installed");
            Map<String, String> config = parseConfig(row.configJson());
            Map<String, String> creds = credentials(row.api());
            Exchange.Http http = this::get;
            while (pages < MAX_PAGES_PER_FETCH) {
                Exchange.Page page = api.fetch(new Exchange.Request(config, creds, checkpoint, http, clock));
                pages++;
                removed += apply(row, lease, page, addedIds);
                checkpoint = page.checkpoint();
                boolean goOn = progress.page(pages, addedIds.size());
                if (!page.more()) {
                    upToDate = true;
                    break;
                }
                if (!goOn) break; // stopped between pages: the checkpoint holds what was applied
            }
            long added = addedIds.size();
            String floodNote = floodCheck(row, added);
            long usual = floodNote != null ? row.usualAdds() : (row.usualAdds() == 0 ? added : (row.usualAdds() * 3 + added) / 4);
            dao.finish(row.id(), lease, now(), true, floodNote, upToDate, usual);
            // recent media matched late: cases only while the bank enforces and this fetch did not trip flood control
            boolean act = floodNote == null && banks.cached(row.bankId()).map(b -> b.mode() == BankMode.ENFORCE).orElse(false);
            int late = addedIds.isEmpty() ? 0 : recent.matchAgainst(addedIds, act);
            log.info("event=exchange_fetched exchange={} pages={} added={} removed={} matched_late={}", name, pages,
                    added, removed, late);
            return new FetchOutcome(true, true, pages, added, removed, late, floodNote);
        } catch (ExchangeException e) {
            dao.finish(row.id(), lease, now(), false, truncate(e.getMessage()), false, row.usualAdds());
            log.warn("event=exchange_fetch_failed exchange={} reason={}", name, e.getMessage());
            return new FetchOutcome(true, false, pages, addedIds.size(), removed, 0, e.getMessage());
        } catch (RuntimeException e) {
            String reason = e instanceof Refusal r ? r.getMessage() : "internal error (" + e.getClass().getSimpleName() + "); see the server log";
            dao.finish(row.id(), lease, now(), false, truncate(reason), false, row.usualAdds());
            log.warn("event=exchange_fetch_failed exchange={} error={}", name, e.getClass().getSimpleName(), Sql.loggable(e));
            return new FetchOutcome(true, false, pages, addedIds.size(), removed, 0, reason);
        }
    }

    /**
     * A fetch that added more than {@code flood_factor} times the exchange's usual adds (and more than
     * {@code flood_min_adds}) puts an enforcing bank in observe mode; returns the note saying so, or null.
     */
    private String floodCheck(ExchangeDao.Row row, long added) {
        long limit = Math.max(settings.floodMinAdds(), row.usualAdds() * settings.floodFactor());
        if (row.usualAdds() == 0 || added <= limit) return null;
        Bank bank = banks.cached(row.bankId()).orElse(null);
        if (bank == null) return null;
        String note = "flood control: this fetch added " + added + " entries, more than " + settings.floodFactor()
                + "x the usual " + row.usualAdds() + "; the bank is in observe mode until an admin switches it back";
        if (bank.mode() == BankMode.ENFORCE) {
            banks.update(bank.name(), new BankService.BankSpec(null, null, null, "observe", null, null, null, null),
                    "exchange:" + row.name());
        }
        return note;
    }

    /**
     * Applies one page: per record its final state in the page (in the source's order), adding new signals,
     * retracting changed or deleted ones; with a snapshot page, retracting every record it does not list. The
     * checkpoint moves in the same transaction. Adds the new entries' ids to {@code addedIds}; returns the number
     * retracted.
     */
    private long apply(ExchangeDao.Row row, String lease, Exchange.Page page, Set<Long> addedIds) {
        Map<String, Exchange.Update> last = new LinkedHashMap<>();
        for (Exchange.Update u : page.updates()) {
            last.remove(u.recordId());
            last.put(u.recordId(), u);
        }
        ExchangeDao dao = jdbi.onDemand(ExchangeDao.class);
        Map<String, List<ExchangeDao.Mapped>> current = new HashMap<>();
        List<ExchangeDao.Mapped> existing;
        if (page.snapshot()) {
            existing = dao.allMapped(row.id());
        } else {
            existing = new ArrayList<>();
            List<String> ids = new ArrayList<>(last.keySet());
            for (int i = 0; i < ids.size(); i += 1000) existing.addAll(dao.mapped(row.id(), ids.subList(i, Math.min(ids.size(), i + 1000))));
        }
        for (ExchangeDao.Mapped m : existing) current.computeIfAbsent(m.recordId(), k -> new ArrayList<>()).add(m);

        List<BankService.NewEntry> adds = new ArrayList<>();
        List<String[]> addedFrom = new ArrayList<>(); // record id, signal type, value — in the order of adds
        List<Long> retracts = new ArrayList<>();
        for (Exchange.Update u : last.values()) {
            List<ExchangeDao.Mapped> have = current.getOrDefault(u.recordId(), List.of());
            Map<String, String> want = u.deleted() ? Map.of() : valid(u.signals());
            for (ExchangeDao.Mapped m : have) {
                if (!m.signalValue().equals(want.get(m.signalType()))) retracts.add(m.entryId());
            }
            for (Map.Entry<String, String> s : want.entrySet()) {
                boolean kept = have.stream().anyMatch(m -> m.signalType().equals(s.getKey()) && m.signalValue().equals(s.getValue()));
                if (kept) continue;
                adds.add(new BankService.NewEntry(s.getKey(), s.getValue(), List.of(),
                        truncate("exchange record " + u.recordId()), "exchange:" + row.name(), null));
                addedFrom.add(new String[]{u.recordId(), s.getKey(), s.getValue()});
            }
        }
        if (page.snapshot()) {
            for (Map.Entry<String, List<ExchangeDao.Mapped>> e : current.entrySet()) {
                if (!last.containsKey(e.getKey())) for (ExchangeDao.Mapped m : e.getValue()) retracts.add(m.entryId());
            }
        }
        Bank bank = banks.cached(row.bankId()).orElseThrow(() -> Refusal.notFound("the exchange's bank was deleted"));
        Instant until = now().plus(LEASE);
        // only entries still active are retracted; ones retracted by hand meanwhile are just forgotten
        Set<Long> stillActive = banks.activeAmong(retracts);
        List<Long> active = retracts.stream().filter(stillActive::contains).toList();
        BankService.Applied applied = banks.applyAtomically(bank.name(), adds, active, "exchange:" + row.name(), (h, added) -> {
            ExchangeDao d = h.attach(ExchangeDao.class);
            for (long id : retracts) d.unmap(row.id(), id);
            for (int i = 0; i < added.size(); i++) {
                String[] from = addedFrom.get(i);
                d.map(row.id(), added.get(i).id(), from[0], from[1], from[2]);
            }
            if (d.advance(row.id(), lease, page.checkpoint(), page.checkpointTs(), until) != 1) {
                throw Refusal.conflict("the exchange's fetch lease was lost");
            }
        });
        for (var e : applied.added()) addedIds.add(e.id());
        return active.size();
    }

    /** The signals Sightline matches, in canonical form; others (and malformed values) are left out. */
    private static Map<String, String> valid(Map<String, String> signals) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> s : signals.entrySet()) {
            try {
                SignalType t = SignalType.parse(s.getKey());
                out.put(t.wireName(), t.normalize(s.getValue()));
            } catch (IllegalArgumentException ignored) {
                // a signal type Sightline does not match, or a malformed value: nothing to bank
            }
        }
        return out;
    }

    // ---- feedback (a moderator's opinion on an entry, sent back to its source) ----

    /** The API of an exchange ({@code stop_ncii}, …), if the exchange exists. */
    public Optional<String> apiOf(String exchangeName) {
        return jdbi.onDemand(ExchangeDao.class).find(exchangeName).map(ExchangeDao.Row::api);
    }

    /** Why an exchange takes no opinion on its entries (null: it takes them). */
    public String feedbackUnavailable(String exchangeName) {
        ExchangeDao.Row row = jdbi.onDemand(ExchangeDao.class).find(exchangeName).orElse(null);
        if (row == null) return "the exchange no longer exists";
        Exchange api = apis.get(row.api());
        if (api == null) return "its API (" + row.api() + ") is not installed";
        return api.feedbackUnavailable(credentials(row.api()));
    }

    /**
     * Sends an opinion ({@code false_positive}, {@code disputed}) on one of an exchange's entries to its source,
     * through the API's feedback call. Throws {@link Refusal} ({@code UPSTREAM_FAILED}, with a sentence an admin can
     * act on) when the source did not take it.
     */
    public void sendFeedback(String exchangeName, long entryId, String opinion) {
        ExchangeDao dao = jdbi.onDemand(ExchangeDao.class);
        ExchangeDao.Row row = dao.find(exchangeName).orElseThrow(() -> Refusal.notFound("no exchange " + exchangeName));
        Exchange api = api(row.api()).orElseThrow(() -> Refusal.invalid("exchange API " + row.api() + " is not installed"));
        ExchangeDao.Mapped record = dao.mappedEntry(row.id(), entryId)
                .orElseThrow(() -> Refusal.notFound("entry " + entryId + " is no longer a record of exchange " + exchangeName));
        try {
            api.feedback(new Exchange.Feedback(parseConfig(row.configJson()), credentials(row.api()), record.recordId(),
                    record.signalType(), record.signalValue(), opinion, this::get, this::send));
        } catch (ExchangeException e) {
            throw new Refusal(Refusal.Kind.UPSTREAM_FAILED, e.getMessage());
        }
    }

    private Exchange.Http.Response send(String method, String url, Map<String, String> headers, String contentType,
                                        byte[] body) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return new Exchange.Http.Response(0, new byte[0], "not a URL");
        }
        FetchResult r = method.equals("PUT") ? fetcher.put(uri, headers, contentType, body)
                : fetcher.post(uri, headers, contentType, body);
        if (r.isOk()) return new Exchange.Http.Response(r.status() == 0 ? 200 : r.status(), r.bytes(), null);
        return new Exchange.Http.Response(r.status(), new byte[0], r.reason());
    }

    private Exchange.Http.Response get(String url, Map<String, String> headers) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            return new Exchange.Http.Response(0, new byte[0], "not a URL");
        }
        FetchResult r = fetcher.fetch(uri, headers);
        if (r.isOk()) return new Exchange.Http.Response(r.status() == 0 ? 200 : r.status(), r.bytes(), null);
        return new Exchange.Http.Response(r.status(), new byte[0], r.reason());
    }

    private static String truncate(String s) {
        return s == null ? null : s.length() <= 500 ? s : s.substring(0, 497) + "...";
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    // ---- schedule ----

    /** Fetches every enabled exchange every {@code exchanges.fetch_interval_s} (a failed run is logged by {@link Periodic}). */
    public synchronized void start() {
        if (timer != null) return;
        timer = Periodic.every("exchange-fetch", settings.fetchInterval(), this::fetchAll);
    }

    void fetchAll() {
        for (ExchangeDao.Row r : jdbi.onDemand(ExchangeDao.class).list()) {
            if (r.enabled()) fetch(r.name());
        }
    }

    @Override
    public synchronized void close() {
        Periodic.close(timer);
        timer = null;
    }
}
