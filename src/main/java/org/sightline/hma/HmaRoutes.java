package org.sightline.hma;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.UploadedFile;
import org.jdbi.v3.core.Jdbi;
import org.sightline.access.Access;
import org.sightline.access.Scope;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;
import org.sightline.common.Refusal;
import org.sightline.exchanges.Exchange;
import org.sightline.exchanges.ExchangeService;
import org.sightline.fetch.FetchResult;
import org.sightline.fetch.MediaFetcher;
import org.sightline.hashing.MediaException;
import org.sightline.hashing.MediaHasher;
import org.sightline.hashing.PdqHash;
import org.sightline.hashing.Signals;
import org.sightline.hashing.VideoHasher;
import org.sightline.hashing.VideoSignals;
import org.sightline.hashing.VpdqFrame;
import org.sightline.matching.Matcher;
import org.sightline.matching.SignalType;
import org.sightline.matching.Vpdq;
import org.sightline.web.HttpRefusals;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Hasher-Matcher-Actioner 1.1.7's API ({@code /h}, {@code /m}, {@code /c}, {@code /status}) over Sightline's banks,
 * hashing and index, with HMA's request and response shapes, status codes and {@code {"message"}} errors, for HMA
 * clients such as ROOST Coop. HMA banks are Sightline banks; HMA's content ids are entry ids.
 *
 * <p>Signals: {@code pdq} (photos), {@code vpdq} and {@code video_md5} (videos), in HMA's text forms. PDQ lookups
 * search the 8 rotations and mirrors of the probe (a superset of HMA's matches); vPDQ lookups use the Matcher's
 * video rule (either share of frames, see README) and answer HMA's distance {@code "<query>%[<indexed>%]"}. A bank's {@code enabled_ratio} and an entry's {@code disable_until_ts} apply to lookups through these
 * routes; Sightline's own pipeline uses the bank's mode and policy.
 */
public final class HmaRoutes {
    /** HMA's names: banks and exchanges it creates are {@code UPPER_WITH_UNDERSCORE}. */
    static final Pattern HMA_NAME = Pattern.compile("[A-Z_][A-Z0-9_]*");
    private static final int NOTE_MAX = 255;
    /** PDQ's confident-match distance, which HMA's compare uses. */
    private static final int PDQ_COMPARE_THRESHOLD = 31;
    private static final long FIVE_YEARS_S = 5L * 365 * 24 * 3600;
    /** HMA's signal types, in the order its answers list them. */
    static final List<SignalType> SIGNAL_TYPES = List.of(SignalType.PDQ, SignalType.VIDEO_MD5, SignalType.VPDQ);
    /** HMA's content types; both are enabled. */
    static final List<String> CONTENT_TYPES = List.of("photo", "video");

    private final BankService banks;
    private final Matcher matcher;
    private final MediaHasher hasher;
    private final VideoHasher videos;
    private final MediaFetcher fetcher;
    private final Jdbi jdbi;
    private final AuditLog audit;
    private final Clock clock;
    private final ObjectMapper json;
    private final long maxMediaBytes;
    private final ExchangeService exchanges;

    /** An HMA error: its status and {@code {"message": ...}} body. */
    static final class HmaError extends RuntimeException {
        final int status;

        HmaError(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    static HmaError abort(int status, String message) {
        return new HmaError(status, message);
    }

    private HmaRoutes(BankService banks, Matcher matcher, MediaHasher hasher, VideoHasher videos, MediaFetcher fetcher,
                      Jdbi jdbi, AuditLog audit, Clock clock, ObjectMapper json, long maxMediaBytes,
                      ExchangeService exchanges) {
        this.exchanges = exchanges;
        this.videos = videos;
        this.banks = banks;
        this.matcher = matcher;
        this.hasher = hasher;
        this.fetcher = fetcher;
        this.jdbi = jdbi;
        this.audit = audit;
        this.clock = clock;
        this.json = json;
        this.maxMediaBytes = maxMediaBytes;
    }

    public static void register(RoutesConfig routes, BankService banks, Matcher matcher, MediaHasher hasher,
                                VideoHasher videos, MediaFetcher fetcher, Jdbi jdbi, AuditLog audit, Clock clock,
                                ObjectMapper json, long maxMediaBytes, ExchangeService exchanges) {
        HmaRoutes r = new HmaRoutes(banks, matcher, hasher, videos, fetcher, jdbi, audit, clock, json, maxMediaBytes,
                exchanges);
        Access match = Access.tokenOrTrustedNetwork(Scope.MATCH);
        Access read = Access.tokenOrTrustedNetwork(Scope.BANKS_READ);
        Access write = Access.tokenOrTrustedNetwork(Scope.BANKS_WRITE);
        // health checks, as HMA's: the index is loaded before the server takes requests
        routes.get("/status", ctx -> ctx.contentType("text/plain; charset=utf-8").result("I-AM-ALIVE"), Access.open());
        routes.get("/status/live", ctx -> ctx.contentType("text/plain; charset=utf-8").result("I-AM-ALIVE"), Access.open());

        routes.get("/h/hash", hma(r::hashGet), match);
        routes.post("/h/hash", hma(r::hashPost), match);

        routes.get("/m/lookup", hma(r::lookupGet), match);
        routes.post("/m/lookup", hma(r::lookupPost), match);
        routes.get("/m/raw_lookup", hma(r::rawLookup), match);
        routes.get("/m/index/status", hma(r::indexStatus), match);
        routes.post("/m/compare", hma(r::compare), match);

        routes.get("/c/banks", hma(r::bankList), read);
        routes.post("/c/banks", hma(r::bankCreate), write);
        routes.get("/c/bank/{name}", hma(r::bankGet), read);
        routes.put("/c/bank/{name}", hma(r::bankUpdate), write);
        routes.delete("/c/bank/{name}", hma(r::bankDelete), write);
        routes.post("/c/bank/{name}/content", hma(r::contentAdd), write);
        routes.post("/c/bank/{name}/signal", hma(r::signalAdd), write);
        routes.get("/c/bank/{name}/content/{id}", hma(r::contentGet), read);
        routes.put("/c/bank/{name}/content/{id}", hma(r::contentUpdate), write);
        routes.delete("/c/bank/{name}/content/{id}", hma(r::contentDelete), write);
        routes.get("/c/signal_type", hma(r::signalTypes), read);
        routes.get("/c/content_type", hma(r::contentTypes), read);

        Access admin = Access.tokenOrTrustedNetwork(Scope.ADMIN);
        routes.get("/c/exchanges/apis", hma(r::exchangeApis), read);
        routes.get("/c/exchanges/api/{api}", hma(r::exchangeApiGet), read);
        routes.post("/c/exchanges/api/{api}", hma(r::exchangeApiCredentials), admin);
        routes.get("/c/exchanges/api/{api}/schema", hma(r::exchangeApiSchema), read);
        routes.post("/c/exchanges", hma(r::exchangeCreate), admin);
        routes.get("/c/exchanges", hma(r::exchangeList), read);
        routes.get("/c/exchange/{name}", hma(r::exchangeGet), read);
        routes.get("/c/exchange/{name}/status", hma(r::exchangeStatus), read);
        routes.put("/c/exchange/{name}", hma(r::exchangeUpdate), admin);
        routes.delete("/c/exchange/{name}", hma(r::exchangeDelete), admin);
    }

    /**
     * Answers the route's errors as HMA does: {@code {"message": ...}} with HMA's status (a refusal from Sightline's
     * services keeps its status, except that "already exists" is HMA's 403).
     */
    public static Handler hma(Handler handler) {
        return ctx -> {
            try {
                handler.handle(ctx);
            } catch (HmaError e) {
                ctx.status(e.status).json(Map.of("message", e.getMessage()));
            } catch (Refusal e) {
                int status = e.kind() == Refusal.Kind.CONFLICT ? 403 : HttpRefusals.status(e);
                ctx.status(status).json(Map.of("message", e.getMessage()));
            }
        };
    }

    // ---- hashing ----

    private void hashGet(Context ctx) {
        String url = require(ctx, "url");
        ctx.json(hashUrl(url, ctx.queryParam("content_type"), ctx.queryParam("types")));
    }

    private void hashPost(Context ctx) {
        ctx.json(hashForm(form(ctx), ctx.queryParam("types")));
    }

    /** HMA's hash of a URL: photo or video by the hint or the answer's Content-Type, fetched SSRF-safe. */
    Map<String, String> hashUrl(String url, String contentTypeHint, String types) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (Exception e) {
            throw abort(400, "Invalid or unsafe URL provided");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw abort(400, "Invalid or unsafe URL provided");
        }
        // fetched within the video cap: whether it is a photo is known only from its answer (or the hint)
        FetchResult got = fetcher.fetchVideo(uri, videoMaxBytes());
        if (got.outcome() == FetchResult.Outcome.TOO_LARGE) throw abort(413, "Content too large");
        if (!got.isOk()) throw abort(400, "Failed to fetch URL: " + got.reason());
        String contentType = contentTypeHint;
        if (contentType == null || contentType.isEmpty()) {
            String served = got.contentType() == null ? "" : got.contentType().toLowerCase(Locale.ROOT);
            if (served.startsWith("image")) contentType = "photo";
            else if (served.startsWith("video")) contentType = "video";
            else throw abort(400, "unsupported url ContentType: '" + (got.contentType() == null ? "" : got.contentType())
                        + "', if you know the expected type, provide it with the content_type query param");
        }
        contentType(contentType);
        List<SignalType> selected = selectedTypes(contentType, types);
        if (contentType.equals("photo") && got.bytes().length > maxMediaBytes) throw abort(413, "Content too large");
        return hash(contentType, got.bytes(), selected);
    }

    private long videoMaxBytes() {
        return videos.decoder().limits().maxBytes();
    }

    /** A request's uploaded files and form fields, read together so that a malformed body is one 400, never a 500. */
    record Form(Map<String, List<UploadedFile>> files, Map<String, List<String>> fields) {
        String field(String name) {
            List<String> values = fields.get(name);
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /**
     * Reads the multipart files and the (multipart or urlencoded) fields in one go; a body the parser cannot read is
     * HMA's 400, and the connection is closed since the rest of the body may still be unread.
     */
    static Form form(Context ctx) {
        try {
            Map<String, List<UploadedFile>> files = ctx.isMultipartFormData() ? ctx.uploadedFileMap() : Map.of();
            Map<String, List<String>> fields = ctx.isMultipartFormData() || ctx.isFormUrlencoded() ? ctx.formParamMap() : Map.of();
            return new Form(files, fields);
        } catch (Exception e) {
            // Javalin passes on Jetty's checked ServletException unwrapped: catch everything the parser throws
            ctx.header("Connection", "close");
            throw abort(400, "malformed multipart/form-data body");
        }
    }

    /** HMA's multipart upload: exactly one file, in a field named for its content type ({@code photo}, {@code video}). */
    Map<String, String> hashForm(Form form, String types) {
        Map<String, List<UploadedFile>> files = form.files();
        if (files.isEmpty()) throw abort(400, "Missing multipart/form-data file upload");
        if (files.size() > 1) throw abort(400, "Only one file allowed per request");
        Map.Entry<String, List<UploadedFile>> field = files.entrySet().iterator().next();
        String contentType = contentType(field.getKey());
        List<SignalType> selected = selectedTypes(contentType, types);
        if (field.getValue().size() > 1) throw abort(400, "Only one file allowed per request");
        UploadedFile file = field.getValue().get(0);
        long cap = contentType.equals("video") ? videoMaxBytes() : maxMediaBytes;
        if (file.size() > cap) throw abort(413, "Content too large");
        byte[] bytes;
        try (InputStream in = file.content()) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
        } catch (IOException e) {
            throw abort(400, "cannot read the uploaded file");
        }
        if (bytes.length > cap) throw abort(413, "Content too large");
        return hash(contentType, bytes, selected);
    }

    private static String contentType(String name) {
        if (CONTENT_TYPES.contains(name)) return name;
        throw abort(400, "no such content_type: '" + name + "'");
    }

    /** The signal types HMA hashes a content type into: {@code pdq} for photos, {@code video_md5} and {@code vpdq} for videos. */
    private static List<SignalType> signalTypesOf(String contentType) {
        return contentType.equals("video") ? List.of(SignalType.VIDEO_MD5, SignalType.VPDQ) : List.of(SignalType.PDQ);
    }

    /** HMA's {@code types} selection among the content type's signal types; unknown or none is refused. */
    private static List<SignalType> selectedTypes(String contentType, String types) {
        List<SignalType> all = signalTypesOf(contentType);
        if (types == null) return all;
        List<SignalType> out = new ArrayList<>();
        for (String t : types.split(",")) {
            String name = t.strip();
            if (name.isEmpty()) continue;
            SignalType type = all.stream().filter(x -> x.wireName().equals(name)).findFirst()
                    .orElseThrow(() -> abort(400, "signal type '" + name + "' doesn't exist or is disabled"));
            if (!out.contains(type)) out.add(type);
        }
        if (out.isEmpty()) throw abort(400, "empty signal type selection");
        return out;
    }

    /** HMA's hash answer for one media item: {@code {"pdq"}} or {@code {"video_md5", "vpdq"}}, as selected. */
    private Map<String, String> hash(String contentType, byte[] bytes, List<SignalType> selected) {
        if (contentType.equals("photo")) return hashPhoto(bytes);
        Map<String, String> out = new LinkedHashMap<>();
        if (!selected.contains(SignalType.VPDQ)) {
            // the MD5 alone needs no decoding, as HMA's video_md5 hasher reads only the bytes
            out.put("video_md5", MediaHasher.digest("MD5", bytes));
            return out;
        }
        VideoSignals v;
        try {
            v = videos.hash(bytes);
        } catch (MediaException e) {
            throw abort(400, "cannot hash the media: " + e.getMessage());
        }
        if (selected.contains(SignalType.VIDEO_MD5)) out.put("video_md5", v.videoMd5());
        out.put("vpdq", hmaVpdq(v.vpdqText()));
        return out;
    }

    /**
     * A vPDQ value as HMA's signal type serializes it: Python's {@code json.dumps} of the frame strings, so with
     * {@code ", "} between them (Sightline stores the compact form; both parse alike). Every frame is kept, whatever
     * its quality: quality filtering happens when matching, as in python-threatexchange.
     */
    static String hmaVpdq(List<String> frames) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < frames.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append('"').append(frames.get(i)).append('"');
        }
        return sb.append(']').toString();
    }

    /** A stored value as HMA shows it: a vPDQ in HMA's serialized form, other signals as they are. */
    private static String hmaValue(String signalType, String value) {
        if (!SignalType.VPDQ.wireName().equals(signalType)) return value;
        return hmaVpdq(Vpdq.parse(value).stream().map(VpdqFrame::text).toList());
    }

    /** {@code {"pdq": hex}}, or {@code ""} for a PDQ of quality under 50, as HMA's PDQ hasher answers. */
    private Map<String, String> hashPhoto(byte[] bytes) {
        Signals s;
        try {
            s = hasher.hash(bytes);
        } catch (MediaException e) {
            throw abort(400, "cannot hash the media: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        out.put("pdq", s.pdq().quality() < Matcher.MIN_PDQ_QUALITY ? "" : s.pdq().hash().hex());
        return out;
    }

    // ---- matching ----

    private void lookupGet(Context ctx) {
        Set<String> only = bankFilter(ctx.queryParam("banks"));
        String url = ctx.queryParam("url");
        String signalType = ctx.queryParam("signal_type");
        if (url != null && !url.isEmpty()) {
            Map<String, Map<String, List<Map<String, Object>>>> bySignal = new LinkedHashMap<>();
            for (Map.Entry<String, String> h : hashUrl(url, ctx.queryParam("content_type"), ctx.queryParam("types")).entrySet()) {
                bySignal.put(h.getKey(), lookup(h.getKey(), h.getValue(), only, false, ctx.queryParam("seed")));
            }
            if (signalType != null) {
                ctx.json(bySignal.getOrDefault(signalType, Map.of()));
            } else {
                ctx.json(bySignal);
            }
            return;
        }
        String signal = ctx.queryParam("signal");
        if (signal == null || signal.isEmpty() || signalType == null || signalType.isEmpty()) {
            throw abort(400, "Either url or both signal and signal_type are required");
        }
        ctx.json(lookup(signalType, signal, only, false, ctx.queryParam("seed")));
    }

    private void lookupPost(Context ctx) {
        Map<String, String> hashes = hashForm(form(ctx), ctx.queryParam("types"));
        boolean bypass = "true".equals(ctx.queryParam("bypass_coinflip"));
        Set<String> only = bankFilter(ctx.queryParam("banks"));
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> h : hashes.entrySet()) {
            out.put(h.getKey(), lookup(h.getKey(), h.getValue(), only, bypass, ctx.queryParam("seed")));
        }
        ctx.json(out);
    }

    private static Set<String> bankFilter(String banks) {
        if (banks == null || banks.isEmpty()) return null;
        return new LinkedHashSet<>(List.of(banks.split(",")));
    }

    private static SignalType signalType(String name) {
        for (SignalType t : SIGNAL_TYPES) if (t.wireName().equals(name)) return t;
        throw abort(400, "No such SignalType '" + name + "'");
    }

    private static String validSignal(SignalType type, String signal, String prefix) {
        try {
            return type.normalize(signal == null ? "" : signal);
        } catch (IllegalArgumentException e) {
            throw abort(400, prefix + (type == SignalType.PDQ ? "invalid PDQ hash" : e.getMessage()));
        }
    }

    /**
     * One content's best match: its distance over the 8 variants (PDQ), and the distance as HMA writes it
     * ({@code "4"}; {@code "-"} for an exact digest; {@code "100%[80%]"} for vPDQ).
     */
    private record Hit(long contentId, Bank bank, int distance, String shown) {
    }

    /**
     * The matches of one signal, one per content (entry), closest variant; observe-mode banks left out. Only
     * entries of the probe's type answer, as HMA's per-type indexes do (a video's frames that match a photo
     * entry are Sightline's evidence, not an HMA vPDQ match).
     */
    private List<Hit> query(String signalTypeName, String signal, boolean includeObserve) {
        SignalType type = signalType(signalTypeName);
        String value = validSignal(type, signal, "invalid signal: ");
        List<PdqHash> probeFrames = type == SignalType.VPDQ ? Vpdq.distinctMatchable(Vpdq.parse(value)) : null;
        Map<Long, Hit> best = new LinkedHashMap<>();
        for (BankService.BankMatch m : banks.match(List.of(new Matcher.Probe(type, value, null, null))).matches()) {
            if (m.match().observe() && !includeObserve) continue;
            if (m.match().signalType() != type) continue;
            String shown = switch (type) {
                case VPDQ -> vpdqDistance(m, probeFrames);
                case VIDEO_MD5 -> "-";
                default -> String.valueOf(m.match().distance());
            };
            if (shown == null) continue;
            Hit h = new Hit(m.match().entryId(), m.bank(), m.match().distance(), shown);
            best.merge(h.contentId(), h, (a, b) -> a.distance() <= b.distance() ? a : b);
        }
        return new ArrayList<>(best.values());
    }

    /**
     * HMA's vPDQ distance, {@code "<query>%[<indexed>%]"}: the share of the probe's distinct frames of quality
     * ≥ 50 that have a frame of the banked video within the bank's PDQ threshold, and the share of the banked
     * video's that have one in the probe, each rounded as Python's {@code .0f} does. Computed exactly from the
     * entry (the Matcher keeps its percentages to one decimal); null if the entry went meanwhile.
     */
    private String vpdqDistance(BankService.BankMatch m, List<PdqHash> probe) {
        Optional<BankEntry> entry = banks.entry(m.match().entryId());
        if (entry.isEmpty()) return null;
        List<PdqHash> banked = Vpdq.distinctMatchable(Vpdq.parse(entry.get().signalValue()));
        int threshold = m.bank().pdqThreshold();
        return percent(share(probe, banked, threshold)) + "%[" + percent(share(banked, probe, threshold)) + "%]";
    }

    /** The percentage of {@code these} with a frame of {@code others} within {@code threshold} (0 for none). */
    private static double share(List<PdqHash> these, List<PdqHash> others, int threshold) {
        if (these.isEmpty()) return 0;
        return Vpdq.matchedIn(these, others, threshold) * 100.0 / these.size();
    }

    /** Python's {@code format(x, ".0f")}: the exact binary value rounded half to even. */
    static String percent(double x) {
        return new java.math.BigDecimal(x).setScale(0, java.math.RoundingMode.HALF_EVEN).toPlainString();
    }

    /**
     * HMA's lookup: enabled content in banks whose {@code enabled_ratio} passes the coin flip (seeded by
     * {@code seed}), keyed by bank: {@code {"BANK": [{"bank_content_id": 1, "distance": "4"}]}}.
     */
    private Map<String, List<Map<String, Object>>> lookup(String signalType, String signal, Set<String> only,
                                                          boolean bypassCoinflip, String seed) {
        List<Hit> hits = query(signalType, signal, false);
        Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
        if (hits.isEmpty()) return out;
        HmaDao dao = jdbi.onDemand(HmaDao.class);
        Map<Long, HmaDao.Content> contents = new HashMap<>();
        for (HmaDao.Content c : dao.contents(hits.stream().map(Hit::contentId).toList())) contents.put(c.entryId(), c);
        Map<Long, Double> ratios = new HashMap<>();
        for (HmaDao.Ratio r : dao.ratios()) ratios.put(r.bankId(), r.enabledRatio());
        double coinflip = bypassCoinflip ? 0 : (seed == null ? new Random() : new Random(seed.hashCode())).nextDouble();
        long now = clock.instant().getEpochSecond();
        for (Hit h : hits) {
            HmaDao.Content c = contents.get(h.contentId());
            if (c != null && !enabled(c.disableUntilTs(), now)) continue;
            if (ratios.getOrDefault(h.bank().id(), 1.0) < coinflip) continue;
            if (only != null && !only.contains(h.bank().name())) continue;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("bank_content_id", h.contentId());
            m.put("distance", h.shown());
            out.computeIfAbsent(h.bank().name(), k -> new ArrayList<>()).add(m);
        }
        return out;
    }

    /** HMA's magic values: 0 disabled, 1 enabled, otherwise disabled until that Unix time. */
    private static boolean enabled(long disableUntilTs, long now) {
        if (disableUntilTs == 0) return false;
        if (disableUntilTs == 1) return true;
        return disableUntilTs <= now;
    }

    /** Matches without the enabled checks: {@code {"matches": [id, ...]}} or with distances. */
    private void rawLookup(Context ctx) {
        String signal = require(ctx, "signal");
        String signalType = require(ctx, "signal_type");
        boolean withDistance = bool(ctx.queryParam("include_distance"), "include_distance");
        Set<String> only = bankFilter(ctx.queryParam("banks"));
        List<Object> matches = new ArrayList<>();
        for (Hit h : query(signalType, signal, true)) {
            if (only != null && !only.contains(h.bank().name())) continue;
            if (withDistance) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("bank_content_id", h.contentId());
                m.put("distance", h.shown());
                matches.add(m);
            } else {
                matches.add(h.contentId());
            }
        }
        ctx.json(Map.of("matches", matches));
    }

    private static boolean bool(String v, String name) {
        if (v == null) return false;
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on", "t", "y" -> {
                return true;
            }
            case "false", "0", "no", "off", "f", "n" -> {
                return false;
            }
            default -> throw abort(422, name + ": Input should be a valid boolean");
        }
    }

    /**
     * The in-memory index takes every add and retraction at once, so while it is in step with the database it is
     * built to now; after a failed update, until {@code IndexGuard} has rebuilt it, it is not present (built to -1).
     */
    private void indexStatus(Context ctx) {
        String only = ctx.queryParam("signal_type");
        if (only != null && SIGNAL_TYPES.stream().noneMatch(t -> t.wireName().equals(only))) {
            throw abort(400, "No such signal type '" + only + "'");
        }
        boolean inStep = banks.indexInStep();
        Map<String, Object> out = new LinkedHashMap<>();
        for (SignalType t : SIGNAL_TYPES) {
            if (only != null && !only.equals(t.wireName())) continue;
            Map<String, Object> status = new LinkedHashMap<>();
            status.put("present", inStep);
            status.put("built_to", inStep ? clock.instant().getEpochSecond() : -1);
            // vpdq: banked videos (HMA counts its index's entries)
            status.put("size", matcher.size(t));
            out.put(t.wireName(), status);
        }
        ctx.json(out);
    }

    /** {@code {"pdq": ["a", "b"]}} → {@code {"pdq": [true, {"distance": 9}]}} (a match within 31 bits). */
    private void compare(Context ctx) {
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(400, "Request input was not a dict");
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : body.properties()) {
            String name = e.getKey();
            JsonNode pair = e.getValue();
            if (!pair.isArray()) throw abort(400, "Comparison hashes for " + name + " was not a list");
            if (pair.size() != 2) throw abort(400, "Comparison hash list length must be exactly 2");
            SignalType type = signalType(name);
            String left = validSignal(type, pair.get(0).isTextual() ? pair.get(0).asText() : null, "Invalid " + name + " hash: ");
            String right = validSignal(type, pair.get(1).isTextual() ? pair.get(1).asText() : null, "Invalid " + name + " hash: ");
            switch (type) {
                case VPDQ -> {
                    // left is the query, right the compared video, as HMA's compare_hash(left, right)
                    List<PdqHash> l = Vpdq.distinctMatchable(Vpdq.parse(left));
                    List<PdqHash> r = Vpdq.distinctMatchable(Vpdq.parse(right));
                    double query = share(l, r, PDQ_COMPARE_THRESHOLD);
                    double compared = share(r, l, PDQ_COMPARE_THRESHOLD);
                    Map<String, Object> info = new LinkedHashMap<>();
                    info.put("query_match_percent", query);
                    info.put("compared_match_percent", compared);
                    out.put(name, List.of(matcher.videoMatches(compared, query), info));
                }
                case VIDEO_MD5 -> out.put(name, List.of(left.equals(right), Map.of()));
                default -> {
                    int d = PdqHash.parse(left).distance(PdqHash.parse(right));
                    out.put(name, List.of(d <= PDQ_COMPARE_THRESHOLD, Map.of("distance", d)));
                }
            }
        }
        ctx.json(out);
    }

    // ---- curation: banks ----

    private double ratioOf(Bank bank) {
        return jdbi.onDemand(HmaDao.class).ratio(bank.id()).orElse(1.0);
    }

    private Map<String, Object> bankJson(Bank bank, double ratio) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", bank.name());
        m.put("matching_enabled_ratio", ratio);
        return m;
    }

    private void bankList(Context ctx) {
        Map<Long, Double> ratios = new HashMap<>();
        for (HmaDao.Ratio r : jdbi.onDemand(HmaDao.class).ratios()) ratios.put(r.bankId(), r.enabledRatio());
        List<Object> out = new ArrayList<>();
        for (Bank b : banks.list()) out.add(bankJson(b, ratios.getOrDefault(b.id(), 1.0)));
        ctx.json(out);
    }

    private Bank bankOr404(String name, String message) {
        try {
            return banks.get(name);
        } catch (Refusal e) {
            if (e.kind() == Refusal.Kind.NOT_FOUND) throw abort(404, message);
            throw e;
        }
    }

    private void bankGet(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "bank '" + name + "' not found");
        ctx.json(bankJson(bank, ratioOf(bank)));
    }

    /**
     * {@code {"name", "enabled_ratio", "enabled"}}: a new local bank (policy {@code review}) under an HMA name;
     * {@code enabled_ratio} as a number or a numeric string (Coop sends a string).
     */
    private void bankCreate(Context ctx) {
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(422, "the body must be a JSON object {\"name\", \"enabled_ratio\", \"enabled\"}");
        JsonNode nameNode = body.get("name");
        if (nameNode == null || !nameNode.isTextual()) throw abort(422, "name: Field required");
        String name = nameNode.asText();
        Double ratio = ratio(body.get("enabled_ratio"));
        Boolean enabled = enabledFlag(body.get("enabled"));
        double r = ratio != null ? ratio : enabled != null ? (enabled ? 1.0 : 0.0) : 1.0;
        if (!HMA_NAME.matcher(name).matches() || !BankService.validName(name)) {
            throw abort(400, "Bank names must be UPPER_WITH_UNDERSCORE");
        }
        String actor = Access.tokenOrNetworkActor(ctx);
        Bank bank;
        try {
            bank = banks.create(new BankService.BankSpec(name, null, null, null, null, null, null, null), actor, (h, b) -> {
                h.attach(HmaDao.class).setRatio(b.id(), r);
                if (r != 1.0) audit.append(h, actor, "hma_bank_ratio", "bank:" + name, "enabled_ratio=" + r);
            });
        } catch (Refusal e) {
            if (e.kind() == Refusal.Kind.CONFLICT) throw abort(403, "Bank already exists");
            throw e;
        }
        ctx.status(201).json(bankJson(bank, r));
    }

    private static Double ratio(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isNumber()) return v.asDouble();
        if (v.isTextual()) {
            try {
                double d = Double.parseDouble(v.asText().strip());
                if (!Double.isNaN(d) && !Double.isInfinite(d)) return d;
            } catch (NumberFormatException ignored) {
                // answered below
            }
        }
        if (v.isBoolean()) return v.asBoolean() ? 1.0 : 0.0;
        throw abort(422, "enabled_ratio: Input should be a valid number");
    }

    private static Boolean enabledFlag(JsonNode v) {
        if (v == null || v.isNull()) return null;
        if (v.isBoolean()) return v.asBoolean();
        if (v.isIntegralNumber() && (v.asInt() == 0 || v.asInt() == 1)) return v.asInt() == 1;
        if (v.isTextual()) return bool(v.asText(), "enabled");
        throw abort(422, "enabled: Input should be a valid boolean");
    }

    /** {@code {"name", "enabled_ratio", "enabled"}}, each optional: rename, or change the matching ratio. */
    private void bankUpdate(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "Bank not found");
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(422, "the body must be a JSON object {\"name\", \"enabled_ratio\", \"enabled\"}");
        String newName = body.hasNonNull("name") ? body.get("name").asText() : null;
        Boolean enabled = enabledFlag(body.get("enabled"));
        Double ratio = ratio(body.get("enabled_ratio"));
        double current = ratioOf(bank);
        double r = ratio != null ? ratio : enabled != null ? (enabled ? 1.0 : 0.0) : current;
        String actor = Access.tokenOrNetworkActor(ctx);
        if (newName != null && !newName.equals(bank.name())) {
            if (!HMA_NAME.matcher(newName).matches() || !BankService.validName(newName)) {
                throw abort(400, "Bank names must be UPPER_WITH_UNDERSCORE");
            }
            try {
                bank = banks.rename(bank.name(), newName, actor);
            } catch (Refusal e) {
                if (e.kind() == Refusal.Kind.CONFLICT) throw abort(403, "Bank name already exists");
                throw e;
            }
        }
        if (r != current) {
            long id = bank.id();
            String bankName = bank.name();
            jdbi.useTransaction(h -> {
                h.attach(HmaDao.class).setRatio(id, r);
                audit.append(h, actor, "hma_bank_ratio", "bank:" + bankName, "enabled_ratio=" + r);
            });
        }
        ctx.json(bankJson(bank, r));
    }

    /**
     * Removes the bank (its entries stay as evidence, its name is freed) and what this package keeps about it;
     * HMA answers "Done" either way, also when there was no such bank.
     */
    private void bankDelete(Context ctx) {
        String name = ctx.pathParam("name");
        String actor = Access.tokenOrNetworkActor(ctx);
        try {
            Bank bank = banks.get(name);
            banks.delete(name, actor, false, h -> {
                HmaDao dao = h.attach(HmaDao.class);
                dao.deleteContentOf(bank.id());
                dao.deleteRatio(bank.id());
            });
        } catch (Refusal e) {
            if (e.kind() != Refusal.Kind.NOT_FOUND) throw e;
        }
        ctx.json(Map.of("message", "Done"));
    }

    // ---- curation: content ----

    /** Adds media by {@code url} (query) or a multipart {@code photo}, with optional {@code note} and {@code metadata}. */
    private void contentAdd(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "bank '" + name + "' not found");
        Form form = form(ctx);
        JsonNode body = ctx.isMultipartFormData() ? null : jsonBodyIfJson(ctx);
        String metadata = metadata(form, body);
        String note = note(body != null ? body.get("note") : textNode(form.field("note")));
        String url = ctx.queryParam("url");
        Map<String, String> hashes;
        if (url != null && !url.isEmpty()) {
            hashes = hashUrl(url, ctx.queryParam("content_type"), ctx.queryParam("types"));
        } else if (!form.files().isEmpty()) {
            hashes = hashForm(form, ctx.queryParam("types"));
        } else {
            throw abort(400, "Neither `url` nor multipart file upload was received");
        }
        ctx.json(addSignals(ctx, bank, hashes, note, metadata));
    }

    /** Adds signals given directly: {@code {"pdq": "<hex>", "note": "..."}}. */
    private void signalAdd(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "bank '" + name + "' not found");
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(400, "the body must be a JSON object of signal type to signal");
        ObjectNode signals = ((ObjectNode) body).deepCopy();
        String note = note(signals.remove("note"));
        Map<String, String> hashes = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : signals.properties()) {
            hashes.put(e.getKey(), e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString());
        }
        ctx.json(addSignals(ctx, bank, hashes, note, null));
    }

    private Map<String, Object> addSignals(Context ctx, Bank bank, Map<String, String> hashes, String note, String metadata) {
        if (hashes.isEmpty()) throw abort(400, "No signals given");
        List<BankService.NewEntry> entries = new ArrayList<>();
        Map<String, String> signals = new LinkedHashMap<>();
        // a video's vpdq entry first: its id is the content's id
        List<Map.Entry<String, String>> ordered = new ArrayList<>(hashes.entrySet());
        ordered.sort(java.util.Comparator.comparing(h -> h.getKey().equals("vpdq") ? 0 : 1));
        for (Map.Entry<String, String> h : ordered) {
            SignalType type = SIGNAL_TYPES.stream().filter(t -> t.wireName().equals(h.getKey())).findFirst()
                    .orElseThrow(() -> abort(400, "No such signal type " + h.getKey()));
            String value = validSignal(type, h.getValue(), "Invalid " + h.getKey() + " signal: ");
            entries.add(new BankService.NewEntry(type.wireName(), value, List.of(), note, null, null));
            signals.put(type.wireName(), hmaValue(type.wireName(), value));
        }
        String actor = Access.tokenOrNetworkActor(ctx);
        // the entries, their HMA metadata and its audit event commit together
        BankService.Applied applied = banks.applyAtomically(bank.name(), entries, List.of(), actor, (h, added) -> {
            long first = added.get(0).id();
            audit.append(h, actor, "bank_add", "bank:" + bank.name(), "entries=" + added.size() + " ids=" + first
                    + ".." + added.get(added.size() - 1).id() + (metadata == null ? "" : " with metadata"));
            if (metadata != null) h.attach(HmaDao.class).setContent(first, bank.id(), 1, metadata, null, false);
        });
        long id = applied.added().get(0).id();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("signals", signals);
        return out;
    }

    /** The entry {@code idText} of the bank if it is still active; an id that is not a number is HMA's 404. */
    private Optional<BankEntry> activeContent(Bank bank, String idText) {
        long id;
        try {
            id = Long.parseLong(idText);
        } catch (NumberFormatException e) {
            throw abort(404, "content '" + idText + "' not found");
        }
        return banks.entry(id).filter(e -> e.bankId() == bank.id() && BankEntry.ACTIVE.equals(e.state()));
    }

    /** The entry {@code id} of the bank, if it is still active; 404 with HMA's words otherwise. */
    private BankEntry content(Bank bank, String idText) {
        return activeContent(bank, idText).orElseThrow(() -> abort(404, "content '" + idText + "' not found"));
    }

    private void contentGet(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "bank '" + name + "' not found");
        BankEntry e = content(bank, ctx.pathParam("id"));
        boolean withSignals = "true".equalsIgnoreCase(ctx.queryParamAsClass("include_signals", String.class).getOrDefault("false"));
        boolean withMetadata = "true".equalsIgnoreCase(ctx.queryParamAsClass("include_metadata", String.class).getOrDefault("true"));
        HmaDao.Content c = jdbi.onDemand(HmaDao.class).content(e.id()).orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("disable_until_ts", c == null ? 1 : c.disableUntilTs());
        out.put("original_media_uri", null);
        out.put("bank", bankJson(bank, ratioOf(bank)));
        if (withSignals) out.put("signals", Map.of(e.signalType(), hmaValue(e.signalType(), e.signalValue())));
        if (withMetadata && c != null && c.metadata() != null) out.put("metadata", metadataJson(c.metadata()));
        String note = noteOf(e, c);
        if (note != null) out.put("note", note);
        ctx.json(out);
    }

    /** {@code {"disable_until_ts": <unix s>}}: 0 disables, 1 enables, a later time disables until then. */
    private void contentUpdate(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "bank '" + name + "' not found");
        BankEntry e = content(bank, ctx.pathParam("id"));
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(400, "the body must be a JSON object");
        HmaDao.Content before = jdbi.onDemand(HmaDao.class).content(e.id()).orElse(null);
        long disable = before == null ? 1 : before.disableUntilTs();
        if (body.has("disable_until_ts")) {
            JsonNode v = body.get("disable_until_ts");
            try {
                disable = v.isTextual() ? Long.parseLong(v.asText().strip()) : v.isIntegralNumber() ? v.asLong() : Long.parseLong(v.asText());
            } catch (NumberFormatException ex) {
                throw abort(400, "Invalid int: '" + v.asText() + "'");
            }
            if (disable < 0) throw abort(400, "disable_until_ts must be a non-negative integer");
            if (disable > clock.instant().getEpochSecond() + FIVE_YEARS_S) {
                throw abort(400, "disable_until_ts must be less than 5 years in the future");
            }
        }
        // the entry's own note stays as its provenance; HMA's answers show the changed one
        boolean noteSet = body.has("note") || (before != null && before.noteSet());
        String note = body.has("note") ? note(body.get("note")) : before == null ? null : before.note();
        long value = disable;
        String metadata = before == null ? null : before.metadata();
        String actor = Access.tokenOrNetworkActor(ctx);
        jdbi.useTransaction(h -> {
            h.attach(HmaDao.class).setContent(e.id(), bank.id(), value, metadata, note, noteSet);
            audit.append(h, actor, "hma_content_update", "bank:" + bank.name(), "entry=" + e.id() + " disable_until_ts=" + value
                    + (body.has("note") ? " note_changed" : ""));
        });
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("disable_until_ts", value);
        out.put("collab_metadata", Map.of());
        out.put("original_media_uri", null);
        out.put("bank", bankJson(bank, ratioOf(bank)));
        out.put("user_metadata", metadata == null ? null : parse(metadata));
        out.put("note", noteSet ? note : e.note());
        ctx.json(out);
    }

    private static String noteOf(BankEntry e, HmaDao.Content c) {
        return c != null && c.noteSet() ? c.note() : e.note();
    }

    /** Retracts the entry (Sightline keeps the row, retracted); {@code {"deleted": 1}}, or 0 when there was none. */
    private void contentDelete(Context ctx) {
        String name = ctx.pathParam("name");
        Bank bank = bankOr404(name, "bank '" + name + "' not found");
        Optional<BankEntry> active = activeContent(bank, ctx.pathParam("id"));
        if (active.isPresent()) {
            String actor = Access.tokenOrNetworkActor(ctx);
            banks.retract(bank.name(), active.get().id(), actor, actor);
        }
        ctx.json(Map.of("deleted", active.isPresent() ? 1 : 0));
    }

    private void signalTypes(Context ctx) {
        List<Object> out = new ArrayList<>();
        for (SignalType t : SIGNAL_TYPES) out.add(nameFirst(t.wireName(), "enabled_ratio", 1.0));
        ctx.json(out);
    }

    private void contentTypes(Context ctx) {
        List<Object> out = new ArrayList<>();
        for (String t : CONTENT_TYPES) out.add(nameFirst(t, "enabled", true));
        ctx.json(out);
    }

    /** {@code {"name": …, key: value}} in HMA's order, the same on every run (Map.of's order is not). */
    private static Map<String, Object> nameFirst(String name, String key, Object value) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put(key, value);
        return m;
    }

    // ---- exchanges ----

    private void exchangeApis(Context ctx) {
        ctx.json(exchanges.apiNames());
    }

    private Exchange exchangeApi(String name, int status, String message) {
        return exchanges.api(name).orElseThrow(() -> abort(status, message));
    }

    private Map<String, Object> apiAuth(String api, Exchange e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("supports_authentification", !e.credentialSchema().isEmpty());
        out.put("has_set_authentification", exchanges.hasCredentials(api));
        return out;
    }

    private void exchangeApiGet(Context ctx) {
        String api = ctx.pathParam("api");
        ctx.json(apiAuth(api, exchangeApi(api, 400, "no such Exchange API '" + api + "'")));
    }

    /** {@code {"credential_json": {...}}}: sealed with secret.key, never shown back; {@code {}} clears them. */
    private void exchangeApiCredentials(Context ctx) {
        String api = ctx.pathParam("api");
        Exchange e = exchangeApi(api, 400, "no such Exchange API '" + api + "'");
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(400, "this endpoint expects a json object payload");
        JsonNode creds = body.get("credential_json");
        if (creds != null && !creds.isNull()) {
            if (!creds.isObject()) throw abort(400, "credential_json must be an object");
            Map<String, String> values = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> f : creds.properties()) {
                if (f.getValue().isNull()) continue;
                values.put(f.getKey(), f.getValue().isTextual() ? f.getValue().asText() : f.getValue().toString());
            }
            exchanges.setCredentials(api, values, Access.tokenOrNetworkActor(ctx));
        }
        ctx.json(apiAuth(api, e));
    }

    private void exchangeApiSchema(Context ctx) {
        String api = ctx.pathParam("api");
        Exchange e = exchangeApi(api, 404, "Exchange API '" + api + "' not found");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("config_schema", Map.of("fields", fields(e.configSchema())));
        out.put("credentials_schema", e.credentialSchema().isEmpty() ? null : Map.of("fields", fields(e.credentialSchema())));
        ctx.json(out);
    }

    private static List<Map<String, Object>> fields(List<Exchange.Field> fields) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Exchange.Field f : fields) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", f.name());
            m.put("type", f.type());
            m.put("required", f.required());
            m.put("default", f.defaultValue());
            m.put("help", f.help());
            m.put("choices", f.choices());
            out.add(m);
        }
        return out;
    }

    /** {@code {"bank", "api", "api_json"}}: an exchange and its bank of the same name. */
    private void exchangeCreate(Context ctx) {
        JsonNode body = jsonBody(ctx);
        if (body == null || !body.isObject()) throw abort(400, "this endpoint expects a json object payload");
        JsonNode bank = body.get("bank");
        if (bank == null || bank.isNull()) throw abort(400, "bank is required");
        String name = bank.asText();
        if (!ExchangeService.NAME.matcher(name).matches()) throw abort(400, "Field `bank` must match /^[A-Z0-9_]+$/");
        JsonNode apiJson = body.has("api_json") ? body.get("api_json") : json.createObjectNode();
        if (!apiJson.isObject()) throw abort(400, "Field `api_json` must be object");
        JsonNode api = body.get("api");
        if (api == null || api.isNull()) throw abort(400, "Field `api_type` is required");
        Map<String, String> config = new LinkedHashMap<>();
        boolean enabled = true;
        for (Map.Entry<String, JsonNode> f : apiJson.properties()) {
            switch (f.getKey()) {
                case "name", "api" -> {
                }
                case "enabled" -> enabled = f.getValue().asBoolean(true);
                default -> {
                    JsonNode v = f.getValue();
                    if (v.isNull()) continue;
                    config.put(f.getKey(), v.isTextual() ? v.asText() : v.isArray() ? joined(v) : v.toString());
                }
            }
        }
        try {
            exchanges.create(name, api.asText(), config, enabled, Access.tokenOrNetworkActor(ctx));
        } catch (Refusal e) {
            if (e.kind() == Refusal.Kind.CONFLICT) throw abort(403, "Exchange or bank '" + name + "' already exists");
            throw e;
        }
        ctx.status(201).json(Map.of("message", "Created successfully"));
    }

    private static String joined(JsonNode array) {
        List<String> parts = new ArrayList<>();
        for (JsonNode v : array) parts.add(v.asText());
        return String.join(",", parts);
    }

    private void exchangeList(Context ctx) {
        ctx.json(exchanges.names());
    }

    private ExchangeService.Info exchange(String name) {
        return exchanges.find(name).orElseThrow(() -> abort(404, "Exchange '" + name + "' not found"));
    }

    /** The exchange's configuration, HMA-style: name, api, enabled and the API's own fields (never credentials). */
    private Map<String, Object> exchangeJson(ExchangeService.Info info) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", info.row().name());
        out.put("api", info.row().api());
        out.put("enabled", info.row().enabled());
        out.putAll(info.config());
        return out;
    }

    private void exchangeGet(Context ctx) {
        ctx.json(exchangeJson(exchange(ctx.pathParam("name"))));
    }

    private void exchangeStatus(Context ctx) {
        ctx.json(statusJson(exchange(ctx.pathParam("name"))));
    }

    /** HMA's fetch status of an exchange ({@code GET /c/exchange/{name}/status}), with Sightline's last error. */
    private static Map<String, Object> statusJson(ExchangeService.Info info) {
        var r = info.row();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("checkpoint_ts", r.checkpointTs());
        m.put("running_fetch_start_ts", r.runningFetchStart() == null ? null : r.runningFetchStart().getEpochSecond());
        m.put("last_fetch_complete_ts", r.lastFetchComplete() == null ? null : r.lastFetchComplete().getEpochSecond());
        m.put("last_fetch_succeeded", r.lastFetchSucceeded());
        m.put("up_to_date", r.upToDate());
        m.put("fetched_items", info.fetchedItems());
        m.put("last_error", r.lastError());
        return m;
    }

    private void exchangeUpdate(Context ctx) {
        String name = ctx.pathParam("name");
        exchange(name);
        JsonNode body = jsonBody(ctx);
        if (body != null && body.isObject() && body.hasNonNull("enabled")) {
            exchanges.setEnabled(name, bool(body.get("enabled").asText(), "enabled"), Access.tokenOrNetworkActor(ctx));
        }
        ctx.json(exchangeJson(exchange(name)));
    }

    private void exchangeDelete(Context ctx) {
        exchanges.delete(ctx.pathParam("name"), Access.tokenOrNetworkActor(ctx));
        ctx.json(Map.of("message", "Exchange deleted"));
    }

    // ---- request helpers ----

    private static String require(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null) throw abort(422, name + ": Field required");
        return v;
    }

    private JsonNode jsonBody(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) return null;
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw abort(400, "Failed to decode JSON object: the body is not valid JSON");
        }
    }

    private JsonNode jsonBodyIfJson(Context ctx) {
        String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
        return type.startsWith("application/json") ? jsonBody(ctx) : null;
    }


    private JsonNode textNode(String s) {
        return s == null ? null : json.getNodeFactory().textNode(s);
    }

    private static String note(JsonNode v) {
        if (v == null || v.isNull() || (v.isTextual() && v.asText().isEmpty())) return null;
        if (!v.isTextual()) throw abort(400, "note should be a string");
        if (v.asText().length() > NOTE_MAX) throw abort(400, "note must be at most 255 characters");
        return v.asText();
    }

    /**
     * HMA's banked-content metadata from the JSON body's {@code metadata} or the form field {@code metadata}:
     * an object with {@code content_id}, {@code content_uri} (strings) and {@code json} (an object); stored as JSON.
     */
    private String metadata(Form form, JsonNode body) {
        JsonNode raw = null;
        if (body != null && body.isObject()) {
            raw = body.get("metadata");
        } else {
            String field = form.field("metadata");
            if (field != null) {
                try {
                    raw = json.readTree(field);
                } catch (IOException e) {
                    throw abort(400, "metadata form field must be valid JSON");
                }
            }
        }
        if (raw == null || raw.isNull()) return null;
        if (!raw.isObject()) throw abort(400, "metadata should be a json object");
        ObjectNode m = ((ObjectNode) raw).deepCopy();
        m.remove("collab");
        for (Map.Entry<String, JsonNode> e : m.properties()) {
            switch (e.getKey()) {
                case "content_id", "content_uri" -> {
                    if (!e.getValue().isTextual() && !e.getValue().isNull()) {
                        throw abort(400, "Invalid metadata: " + e.getKey() + ": Input should be a valid string");
                    }
                }
                case "json" -> {
                    if (!e.getValue().isObject() && !e.getValue().isNull()) {
                        throw abort(400, "Invalid metadata: json: Input should be a valid dictionary");
                    }
                }
                default -> throw abort(400, "Invalid metadata: " + e.getKey() + ": Extra inputs are not permitted");
            }
        }
        if (m.isEmpty()) return null;
        String text = m.toString();
        if (text.length() > 8000) throw abort(400, "Invalid metadata: at most 8000 characters of JSON");
        return text;
    }

    /** The stored metadata as HMA answers it: every field, absent ones null, plus {@code collab}. */
    private Map<String, Object> metadataJson(String stored) {
        Map<String, Object> out = new LinkedHashMap<>();
        JsonNode m = parse(stored);
        out.put("content_id", m.hasNonNull("content_id") ? m.get("content_id").asText() : null);
        out.put("content_uri", m.hasNonNull("content_uri") ? m.get("content_uri").asText() : null);
        out.put("json", m.hasNonNull("json") ? m.get("json") : null);
        out.put("collab", null);
        return out;
    }

    private JsonNode parse(String stored) {
        try {
            return json.readTree(stored);
        } catch (IOException e) {
            throw new IllegalStateException("hma_content.metadata holds JSON written by this class", e);
        }
    }
}
