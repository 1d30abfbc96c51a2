package org.sightline.review;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.actions.ActionQueue;
import org.sightline.actions.ActionRequest;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A retraction (local, from a list sync, or a removed subscription) revisits what the entry caused, in the
 * retraction's own transaction: an undecided case loses that evidence and, with nothing else left (no other
 * counting match, no report, no classifier flag), is closed with the reason; a decided case gets a note. When the
 * case closes, each automatic action it caused that succeeded is undone where a plugin can (an {@code undo_<action>}
 * request in this same transaction, carried out like any action); a moderator's actions, and automatic ones of a
 * case that still stands (decided by a moderator, or on other evidence), are kept; one still waiting to be carried
 * out is cancelled instead. The case's note names each automatic action and what became of it, so a moderator
 * knows what to undo by hand.
 */
public final class RetractionRevisit implements BankService.EntryHook {
    /** The decision word of a case closed because its evidence was retracted. */
    public static final String RETRACTED = "retracted";

    private final ActionQueue actions;
    private final AuditLog audit;

    public RetractionRevisit(ActionQueue actions, AuditLog audit) {
        this.actions = actions;
        this.audit = audit;
    }

    @Override
    public void added(Handle h, Bank bank, List<BankEntry> entries) {
    }

    @Override
    public void retracted(Handle h, Bank bank, List<BankEntry> entries, Instant at) {
        if (entries.isEmpty()) return;
        Dao dao = h.attach(Dao.class);
        List<Long> ids = entries.stream().map(BankEntry::id).toList();
        // a case per media item; an item may have matched several of the retracted entries
        Map<Long, List<Long>> entriesByCase = new LinkedHashMap<>();
        Map<Long, Affected> cases = new LinkedHashMap<>();
        for (int i = 0; i < ids.size(); i += 500) { // bounded IN lists
            for (Affected a : dao.affected(ids.subList(i, Math.min(ids.size(), i + 500)))) {
                cases.putIfAbsent(a.caseId(), a);
                entriesByCase.computeIfAbsent(a.caseId(), k -> new ArrayList<>()).add(a.entryId());
            }
        }
        for (Affected c : cases.values()) {
            List<Long> gone = entriesByCase.get(c.caseId()).stream().distinct().toList();
            String what = "bank " + bank.name() + " entr" + (gone.size() == 1 ? "y " : "ies ") + join(gone);
            if (c.state() == CaseState.DECIDED) {
                dao.note(c.caseId(), clip(what + " was retracted after this case was decided"
                        + kept(h, c.mediaId(), "the case was decided by " + c.decidedBy())), AuditLog.SYSTEM, at);
                continue;
            }
            for (long e : gone) dao.dropEvidence(c.mediaId(), e);
            boolean othersLeft = dao.countingMatches(c.mediaId()) > 0 || c.reportCount() > 0
                    || c.reason() != null && (c.reason().contains("classifier:") || c.reason().contains("scanner failed:")
                    || c.reason().contains(org.sightline.decide.Decision.UNMARKED_ADULT));
            if (othersLeft) {
                dao.note(c.caseId(), clip("evidence withdrawn: " + what + " was retracted; other evidence remains"
                        + kept(h, c.mediaId(), "the case still stands on other evidence")), AuditLog.SYSTEM, at);
                continue;
            }
            String reason = clip("closed: its evidence was retracted (" + what + ")");
            if (dao.close(c.caseId(), RETRACTED, reason, AuditLog.SYSTEM, at) == 1) {
                dao.note(c.caseId(), clip(reason + undo(h, c, at)), AuditLog.SYSTEM, at);
                audit.append(h, AuditLog.SYSTEM, "case_close", "case:" + c.caseId(), "evidence retracted: " + what);
            }
        }
    }

    /**
     * A bank that is evidence in undecided cases cannot be removed unless it is archived first (a
     * {@link BankService.RemovalCheck}): archived, it no longer matches, and its cases are decided as they stand.
     */
    public String holds(Handle h, Bank bank) {
        if (bank.archived()) return null;
        int open = h.attach(Dao.class).openCasesWithMatchesIn(bank.id());
        return open == 0 ? null : open + " undecided case(s) have matches in it: decide them, or archive the bank first";
    }

    /** The automatic actions of a case that still stands, for its note: they are kept. */
    private String kept(Handle h, long mediaId, String why) {
        List<String> kept = new ArrayList<>();
        for (ActionQueue.Requested r : automatic(h, mediaId)) kept.add(r.action() + " (" + r.state() + ")");
        return kept.isEmpty() ? "" : "; the automatic action " + String.join(", ", kept) + " was kept: " + why
                + "; undo it on the instance if it no longer stands";
    }

    /**
     * The case closed: each automatic action that succeeded is undone where a plugin can (requested here, in the
     * retraction's transaction); the note says per action what became of it.
     */
    private String undo(Handle h, Affected c, Instant at) {
        List<String> fates = undo(h, c.caseId(), c.mediaId(), automatic(h, c.mediaId()), "its evidence was retracted",
                "evidence retracted", AuditLog.SYSTEM, at);
        return fates.isEmpty() ? "" : "; automatic actions: " + String.join("; ", fates);
    }

    /**
     * Undoes {@code which} actions of a media item, in the caller's transaction: a pending one is cancelled, a done
     * one gets its {@code undo_<action>} request where a plugin can reverse it, and what cannot be undone is named.
     * Used by retractions, dismissals (their automatic actions) and overturned appeals (every restriction).
     * Returns what became of each action, in words for a note.
     */
    public List<String> undo(Handle h, Long caseId, long mediaId, List<ActionQueue.Requested> which, String why,
                             String auditWhy, String by, Instant at) {
        List<String> fates = new ArrayList<>();
        for (ActionQueue.Requested r : which) {
            if (ActionRequest.PENDING.equals(r.state())
                    && actions.cancel(h, mediaId, r.action(), "cancelled: " + why, at)) {
                fates.add(r.action() + " (pending): cancelled before it was carried out");
                audit.append(h, by, "action_cancel", "media:" + mediaId, "action=" + r.action() + " (" + auditWhy + ")");
                continue;
            }
            if (ActionRequest.FAILED.equals(r.state())) {
                fates.add(r.action() + " (failed): nothing to undo");
                continue;
            }
            if (!ActionRequest.DONE.equals(r.state())) {
                fates.add(r.action() + " (" + r.state() + "): being carried out, NOT undone: undo it on the instance"
                        + " if it went through");
                continue;
            }
            Optional<String> never = actions.requestUndo(h, mediaId, caseId, r.action(), by, at);
            if (never.isEmpty()) {
                fates.add(r.action() + " (done): undo requested");
                audit.append(h, by, "action_request", "media:" + mediaId,
                        "action=" + ActionQueue.UNDO_PREFIX + r.action() + " (" + auditWhy + ")");
            } else {
                fates.add(r.action() + " (done): NOT undone: " + never.get()
                        + "; undo it on the instance if it no longer stands");
            }
        }
        return fates;
    }

    /** The automatic actions of a media item, for a dismissal: they are undone like a retraction's. */
    public List<String> undoAutomatic(Handle h, long caseId, long mediaId, String why, String by, Instant at) {
        return undo(h, caseId, mediaId, automatic(h, mediaId), why, why, by, at);
    }

    /**
     * A dismissal in its undo window: what Sightline requested on its own and has not carried out waits until the
     * window ends, when {@link #undoAutomatic} runs (or, if the dismissal is undone, simply runs then).
     */
    public void postponeAutomatic(Handle h, long mediaId, Instant until) {
        for (ActionQueue.Requested r : automatic(h, mediaId)) {
            if (ActionRequest.PENDING.equals(r.state())) actions.postpone(h, mediaId, r.action(), until);
        }
    }

    /** The actions Sightline requested on its own for the media (not the undos it requested). */
    List<ActionQueue.Requested> automatic(Handle h, long mediaId) {
        return actions.forMedia(h, mediaId).stream()
                .filter(r -> CaseIntake.AUTOMATIC.equals(r.requestedBy()))
                .filter(r -> !r.action().startsWith(ActionQueue.UNDO_PREFIX)).toList();
    }

    private static String join(List<Long> ids) {
        return ids.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static String clip(String s) {
        return s.length() > 2000 ? s.substring(0, 1997) + "..." : s;
    }

    /** A case whose media matched a retracted entry (as counting evidence). */
    public record Affected(long caseId, long mediaId, CaseState state, String reason, int reportCount, String decidedBy,
                           long entryId) {
    }

    interface Dao {
        @SqlQuery("SELECT c.id AS case_id, c.media_id, c.state, c.reason, m.report_count, c.decided_by,"
                + " mm.entry_id"
                + " FROM media_matches mm JOIN cases c ON c.media_id = mm.media_id JOIN media_overview m ON m.id = c.media_id"
                + " WHERE mm.entry_id IN (<ids>) AND mm.vetoed = FALSE ORDER BY c.id")
        @RegisterConstructorMapper(Affected.class)
        List<Affected> affected(@BindList("ids") List<Long> entryIds);

        /** The media's match on a retracted entry stops being evidence of its undecided case. */
        @SqlUpdate("DELETE FROM media_matches WHERE media_id = :mediaId AND entry_id = :entryId")
        int dropEvidence(@Bind("mediaId") long mediaId, @Bind("entryId") long entryId);

        @SqlQuery("SELECT COUNT(DISTINCT c.id) FROM cases c JOIN media_matches mm ON mm.media_id = c.media_id"
                + " WHERE mm.bank_id = :bankId AND mm.vetoed = FALSE AND c.state IN ('open', 'escalated')")
        int openCasesWithMatchesIn(@Bind("bankId") long bankId);

        @SqlQuery("SELECT COUNT(*) FROM media_matches WHERE media_id = :mediaId AND vetoed = FALSE AND observed = FALSE")
        int countingMatches(@Bind("mediaId") long mediaId);

        @SqlUpdate("UPDATE cases SET state = 'decided', decision = :decision, decision_reason = :reason,"
                + " decided_by = :by, decided_at = :at, updated_at = :at, claimed_by = NULL, claimed_until = NULL"
                + " WHERE id = :id AND state IN ('open', 'escalated')")
        int close(@Bind("id") long id, @Bind("decision") String decision, @Bind("reason") String reason,
                  @Bind("by") String by, @Bind("at") Instant at);

        @SqlUpdate("INSERT INTO case_notes (case_id, note, written_by, created_at) VALUES (:caseId, :note, :by, :at)")
        void note(@Bind("caseId") long caseId, @Bind("note") String note, @Bind("by") String by, @Bind("at") Instant at);
    }
}
