package org.sightline.dsa;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.sightline.actions.ActionExecutor;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ActionQueue;
import org.sightline.audit.AuditLog;
import org.sightline.common.Digests;
import org.sightline.common.Refusal;
import org.sightline.config.SecretBox;
import org.sightline.ingest.MatchRecord;
import org.sightline.ingest.MediaCatalog;
import org.sightline.ingest.MediaRecord;
import org.sightline.review.CaseIntake;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Statements of reasons (DSA Art. 17): one for every restriction Sightline requests, automatic or a moderator's,
 * written in the request's own transaction (so it commits with the decision) and audited, in the EU Transparency
 * Database's fields. Each carries an appeal link whose token is stored hashed (for lookup) and sealed (so that the
 * notice sent with an account action and the admin API can repeat the link).
 */
public final class StatementService implements ActionQueue.RequestHook, ActionExecutor.Notices {
    private final Jdbi jdbi;
    private final AuditLog audit;
    private final SecretBox secrets;
    private final SecureRandom random;
    private final Clock clock;
    private final DsaSettings settings;
    private final String publicUrl;

    public StatementService(Jdbi jdbi, AuditLog audit, SecretBox secrets, SecureRandom random, Clock clock,
                            DsaSettings settings, String publicUrl) {
        this.jdbi = jdbi;
        this.audit = audit;
        this.secrets = secrets;
        this.random = random;
        this.clock = clock;
        this.settings = settings;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    public DsaSettings settings() {
        return settings;
    }

    /** A restriction undone in its window was never carried out: no statement is owed for it. */
    @Override
    public void withdrawn(Handle h, long requestId) {
        h.attach(StatementDao.class).deleteByRequest(requestId);
    }

    @Override
    public void requested(Handle h, ActionQueue.NewRequest r) {
        String type = type(r.params());
        Tdb.Groups groups = Tdb.groups(r.action(), type);
        if (groups == null) return; // not a restriction of the person (a report, a webhook)
        MediaRecord m = MediaCatalog.find(h, r.mediaId()).orElse(null);
        if (m == null) return;
        List<MatchRecord> matches = MediaCatalog.matches(h, r.mediaId()).stream()
                .filter(x -> !x.observed() && !x.vetoed()).toList();
        boolean automatic = CaseIntake.AUTOMATIC.equals(r.requestedBy());
        Set<String> labels = new LinkedHashSet<>();
        if (r.labels() != null) labels.addAll(r.labels());
        else for (MatchRecord x : matches) labels.addAll(split(x.labels()));
        String reason = m.verdict().reason() == null ? "" : m.verdict().reason();
        boolean classifier = reason.contains("classifier:") || reason.contains(org.sightline.decide.Decision.UNMARKED_ADULT);
        boolean detected = !matches.isEmpty() || classifier;
        boolean reported = m.source().reportCount() > 0;
        String sourceKind;
        Set<String> sourceNames = new LinkedHashSet<>();
        if (!matches.isEmpty()) {
            MatchRecord first = matches.get(0);
            sourceKind = h.createQuery("SELECT CASE WHEN EXISTS (SELECT 1 FROM exchanges e WHERE e.bank_id = b.id)"
                            + " THEN 'exchange' WHEN b.kind = 'subscribed' THEN 'list' ELSE 'bank' END FROM banks b WHERE b.id = :id")
                    .bind("id", first.bankId()).mapTo(String.class).findOne().orElse("bank");
            for (MatchRecord x : matches) sourceNames.add(x.bankName());
        } else if (classifier) {
            sourceKind = "classifier";
        } else if (reported) {
            sourceKind = "report";
        } else {
            sourceKind = "moderator";
        }
        Tdb.Category category = null;
        Set<String> keywords = new LinkedHashSet<>();
        for (String l : labels) {
            Tdb.Category c = settings.categories().get(l);
            if (c == null) continue;
            if (category == null) category = c;
            if (c.keyword() != null) keywords.add(c.keyword());
        }
        String cat = category == null ? Tdb.OTHER_VIOLATION : category.category();
        String what = labels.isEmpty() ? "content" : String.join(", ", labels).replace('_', ' ') + " content";
        String explanation = "The image was found to be " + what + ", which " + (settings.ground().equals("illegal")
                ? "is illegal on the ground named" : "the instance's rules do not allow") + ".";
        String facts = facts(r, type, matches, classifier, reported, automatic, labels);
        String token = token();
        String puid = "sl-" + HexFormat.of().formatHex(bytes(16));
        Instant at = r.at();
        String kind = h.createQuery("SELECT i.kind FROM media_overview m JOIN instances i ON i.id = m.instance_id"
                + " WHERE m.id = :id").bind("id", r.mediaId()).mapTo(String.class).findOne().orElse(null);
        Statement s = new Statement(0, puid, r.mediaId(), r.caseId(), r.requestId(), r.action(), type, r.requestedBy(),
                String.join(",", groups.visibility()), groups.account(), groups.provision(),
                settings.ground().equals("illegal") ? Tdb.GROUND_ILLEGAL : Tdb.GROUND_INCOMPATIBLE,
                clip(settings.groundText(), 500), clip(explanation, 2000), contentType(m), cat,
                keywords.isEmpty() ? null : String.join(",", keywords), clip(String.join(",", labels), 500), sourceKind,
                sourceNames.isEmpty() ? null : clip(String.join(",", sourceNames), 500),
                LocalDate.ofInstant(m.source().createdAt(), ZoneOffset.UTC), LocalDate.ofInstant(at, ZoneOffset.UTC),
                clip(facts, 5000), reported ? Tdb.SOURCE_ARTICLE_16 : Tdb.SOURCE_VOLUNTARY,
                detected ? Tdb.DETECTION_YES : Tdb.DETECTION_NO,
                automatic ? Tdb.DECISION_FULLY : detected ? Tdb.DECISION_PARTIALLY : Tdb.DECISION_NOT_AUTOMATED,
                Digests.sha256Hex(token), secrets.seal(token, "appeal:" + puid), at.plus(settings.appealWindow()),
                initialDelivery(r.action(), kind, m), null, null,
                // a restriction held in its undo window is not reported before it can no longer be undone
                settings.tdbUrl().isPresent() ? Statement.TDB_PENDING : Statement.TDB_OFF, 0, r.notBefore(), null, at);
        h.attach(StatementDao.class).insert(s);
        audit.append(h, r.requestedBy(), "statement_issue", "media:" + r.mediaId(), "puid=" + puid + " action="
                + r.action() + (type == null ? "" : " type=" + type) + " category=" + cat);
    }

    /** What the person can be told through their instance, before the action runs. */
    private static String initialDelivery(String action, String kind, MediaRecord m) {
        if ("mastodon".equals(kind) && action.equals("account_action")) {
            return "pending: sent with the account action (Mastodon moderation warning, email notification)";
        }
        if (m.source().acct() != null && m.source().acct().contains("@")) {
            return "not delivered: the account is on another server, which Sightline cannot message";
        }
        return "not delivered: " + (kind == null ? "media without an instance" : kind + " offers no way to send it with "
                + action) + "; the appeal link is in the statement";
    }

    private String facts(ActionQueue.NewRequest r, String type, List<MatchRecord> matches, boolean classifier,
                         boolean reported, boolean automatic, Set<String> labels) {
        List<String> parts = new ArrayList<>();
        if (!matches.isEmpty()) {
            Set<String> banks = new LinkedHashSet<>();
            for (MatchRecord x : matches) banks.add("'" + x.bankName() + "' (" + x.signalType() + " distance " + x.distance() + ")");
            parts.add("The image matched known content in the hash bank" + (banks.size() == 1 ? " " : "s ")
                    + String.join(", ", banks) + ".");
        }
        if (classifier) parts.add("An automatic image classifier flagged it.");
        if (reported) parts.add("It was reported by a user.");
        parts.add(automatic ? "Sightline applied the bank's policy automatically."
                : "A moderator reviewed the image and confirmed it as " + (labels.isEmpty() ? "violating"
                : String.join(", ", labels).replace('_', ' ')) + ".");
        parts.add("Restriction: " + restriction(r.action(), type) + ".");
        return String.join(" ", parts);
    }

    /** The restriction in plain words. */
    static String restriction(String action, String type) {
        return switch (action) {
            case "mark_sensitive" -> "the media was marked sensitive (hidden behind a warning)";
            case "delete" -> "the post was deleted";
            case "reject" -> "the upload was refused";
            case "quarantine" -> "the media was quarantined (kept as evidence, access disabled)";
            case "account_action" -> switch (type == null ? "" : type) {
                case "sensitive" -> "the account's media are marked sensitive";
                case "silence" -> "the account was limited (silenced)";
                case "suspend" -> "the account was suspended";
                default -> "account action " + type;
            };
            default -> action;
        };
    }

    private static String contentType(MediaRecord m) {
        String f = m.hashes().format();
        return f != null && (f.startsWith("video") || f.equals("mp4") || f.equals("webm") || f.equals("mov"))
                ? Tdb.CONTENT_VIDEO : Tdb.CONTENT_IMAGE;
    }

    @Override
    public Optional<String> textFor(long requestId) {
        return jdbi.withExtension(StatementDao.class, d -> d.byRequest(requestId)).map(this::noticeText);
    }

    @Override
    public void attempted(long requestId, String action, String plugin, ActionOutcome outcome) {
        if (outcome.status() == ActionOutcome.Status.RETRY) return;
        jdbi.useTransaction(h -> {
            StatementDao dao = h.attach(StatementDao.class);
            dao.byRequest(requestId).ifPresent(s -> {
                boolean done = outcome.status() == ActionOutcome.Status.DONE;
                String how = done ? "delivered: sent with the account action by " + plugin
                        + " (a moderation warning the person sees in the app; email notification as configured)"
                        : "not delivered: the account action failed: " + clip(outcome.detail(), 300);
                dao.delivered(s.id(), how, done ? now() : null);
                audit.append(h, plugin, "statement_delivery", "statement:" + s.puid(), how);
            });
        });
    }

    /** The notice the account holder receives: what, why, the rule, how it was decided, how to appeal and by when. */
    public String noticeText(Statement s) {
        return "Moderation notice (statement of reasons " + s.puid() + "): " + restriction(s.action(), s.actionType())
                + ". Why: " + s.groundExplanation() + " Rule: " + s.groundText() + ". Facts: " + s.decisionFacts()
                + " How it was decided: " + automation(s) + ". You can appeal until "
                + s.appealDeadline().atOffset(ZoneOffset.UTC).toLocalDate() + " at " + appealUrl(s);
    }

    static String automation(Statement s) {
        return switch (s.automatedDecision()) {
            case Tdb.DECISION_FULLY -> "automatically, without a person";
            case Tdb.DECISION_PARTIALLY -> "by a moderator, after automatic detection";
            default -> "by a moderator";
        };
    }

    public String appealUrl(Statement s) {
        return publicUrl + "/appeal/" + secrets.open(s.appealTokenSealed(), "appeal:" + s.puid());
    }

    /** The case page's rows: each statement of the media item, its delivery, appeal and outcome. */
    public List<Map<String, Object>> caseRows(long mediaId) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Statement s : forMedia(mediaId)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("puid", s.puid());
            m.put("restriction", restriction(s.action(), s.actionType()));
            m.put("category", s.category());
            m.put("automation", automation(s));
            m.put("decidedBy", s.decidedBy());
            m.put("delivery", s.delivery());
            m.put("deadline", s.appealDeadline());
            m.put("tdb", s.tdbState());
            m.put("outcome", s.outcome());
            Optional<Appeal> a = jdbi.withExtension(StatementDao.class, d -> d.appealOf(s.id()));
            m.put("appeal", a.orElse(null));
            out.add(m);
        }
        return out;
    }

    public Optional<Statement> find(String puid) {
        return jdbi.withExtension(StatementDao.class, d -> d.byPuid(puid));
    }

    public Statement get(String puid) {
        return find(puid).orElseThrow(() -> Refusal.notFound("no statement " + puid));
    }

    public List<Statement> forMedia(long mediaId) {
        return jdbi.withExtension(StatementDao.class, d -> d.forMedia(mediaId));
    }

    /** Newest first, {@code before} an id (paging), created in [from, to). */
    public List<Statement> page(Instant from, Instant to, long before, int limit) {
        return jdbi.withExtension(StatementDao.class, d -> d.page(from, to, before, limit));
    }

    /** The statement an appeal link's token names, if it exists. */
    Optional<Statement> byToken(String token) {
        if (token == null || token.length() < 20 || token.length() > 100) return Optional.empty();
        return jdbi.withExtension(StatementDao.class, d -> d.byTokenHash(Digests.sha256Hex(token)));
    }

    /** The statement in the Transparency Database's own shape (for its {@code POST /api/v1/statement}). */
    public static Map<String, Object> tdbJson(Statement s) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (s.decisionVisibility() != null && !s.decisionVisibility().isEmpty()) {
            m.put("decision_visibility", Arrays.asList(s.decisionVisibility().split(",")));
        }
        if (s.decisionAccount() != null) m.put("decision_account", s.decisionAccount());
        if (s.decisionProvision() != null) m.put("decision_provision", s.decisionProvision());
        m.put("decision_ground", s.decisionGround());
        if (s.decisionGround().equals(Tdb.GROUND_ILLEGAL)) {
            m.put("illegal_content_legal_ground", s.groundText());
            m.put("illegal_content_explanation", s.groundExplanation());
        } else {
            m.put("incompatible_content_ground", s.groundText());
            m.put("incompatible_content_explanation", s.groundExplanation());
        }
        m.put("content_type", List.of(s.contentType()));
        m.put("category", s.category());
        if (s.categorySpecification() != null) {
            m.put("category_specification", Arrays.asList(s.categorySpecification().split(",")));
        }
        m.put("content_date", s.contentDate().toString());
        m.put("application_date", s.applicationDate().toString());
        m.put("decision_facts", s.decisionFacts());
        m.put("source_type", s.sourceType());
        m.put("automated_detection", s.automatedDetection());
        m.put("automated_decision", s.automatedDecision());
        m.put("puid", s.puid());
        return m;
    }

    /** The TDB shape plus Sightline's own fields, for the admin API. */
    public Map<String, Object> apiJson(Statement s) {
        Map<String, Object> m = tdbJson(s);
        m.put("case", s.caseId());
        m.put("media", s.mediaId());
        m.put("action", s.action());
        if (s.actionType() != null) m.put("action_type", s.actionType());
        m.put("decided_by", s.decidedBy());
        m.put("labels", s.labels() == null || s.labels().isEmpty() ? List.of() : Arrays.asList(s.labels().split(",")));
        m.put("source", s.sourceKind());
        Map<String, Object> ref = jdbi.withHandle(h -> h.createQuery("SELECT i.name, m.account_id, m.acct, m.status_id"
                        + " FROM media_overview m LEFT JOIN instances i ON i.id = m.instance_id WHERE m.id = :id")
                .bind("id", s.mediaId()).mapToMap().findOne().orElse(Map.of()));
        m.put("instance", ref.get("name"));
        m.put("account", ref.get("acct") != null ? ref.get("acct") : ref.get("account_id"));
        m.put("status", ref.get("status_id"));
        m.put("appeal_url", appealUrl(s));
        m.put("appeal_deadline", s.appealDeadline().toString());
        m.put("delivery", s.delivery());
        m.put("outcome", s.outcome());
        m.put("tdb", new LinkedHashMap<>(Map.of("state", s.tdbState(), "attempts", s.tdbAttempts())));
        if (s.tdbResult() != null) ((Map<String, Object>) m.get("tdb")).put("result", s.tdbResult());
        m.put("created_at", s.createdAt().toString());
        return m;
    }

    /** The CSV columns: the database's fields, then Sightline's. */
    static final List<String> CSV_COLUMNS = List.of("puid", "decision_visibility", "decision_account",
            "decision_provision", "decision_ground", "illegal_content_legal_ground", "illegal_content_explanation",
            "incompatible_content_ground", "incompatible_content_explanation", "content_type", "category",
            "category_specification", "content_date", "application_date", "decision_facts", "source_type",
            "automated_detection", "automated_decision", "case", "media", "action", "outcome", "created_at");

    static List<String> csvRow(Statement s) {
        Map<String, Object> t = tdbJson(s);
        List<String> row = new ArrayList<>();
        for (String c : CSV_COLUMNS) {
            Object v = switch (c) {
                case "case" -> s.caseId();
                case "media" -> s.mediaId();
                case "action" -> s.action() + (s.actionType() == null ? "" : ":" + s.actionType());
                case "outcome" -> s.outcome();
                case "created_at" -> s.createdAt().toString();
                default -> t.get(c);
            };
            row.add(v == null ? "" : v instanceof List<?> l ? String.join(";", l.stream().map(String::valueOf).toList())
                    : String.valueOf(v));
        }
        return row;
    }

    private String token() {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes(32));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static String type(String params) {
        if (params == null) return null;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"type\"\\s*:\\s*\"([a-z_]+)\"").matcher(params);
        return m.find() ? m.group(1) : null;
    }

    private static List<String> split(String labels) {
        if (labels == null || labels.isBlank()) return List.of();
        return Arrays.stream(labels.split(",")).map(String::trim).filter(x -> !x.isEmpty()).toList();
    }

    static String clip(String s, int max) {
        if (s == null) return "";
        return s.length() <= max ? s : s.substring(0, max - 3) + "...";
    }

    Instant now() {
        return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }
}
