package org.sightline.review;

import org.jdbi.v3.core.Handle;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.actions.ActionQueue;
import org.sightline.audit.AuditLog;
import org.sightline.banks.Bank;
import org.sightline.banks.BankEntry;
import org.sightline.banks.BankService;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A retraction (local, from a list sync, or a removed subscription) revisits what the entry caused, in the
 * retraction's own transaction: an undecided case loses that evidence and, with nothing else left (no other
 * counting match, no report, no classifier flag), is closed with the reason; a decided case gets a note. An
 * automatic action the entry caused is not undone (no plugin undoes yet): the case's note says so, so a moderator
 * can undo it on the instance.
 */
public final class RetractionRevisit implements BankService.EntryHook {
    /** Who closes cases and writes notes on retractions, in cases and the audit log. */
    public static final String BY = "sightline";
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
            String acted = automaticActions(h, c.mediaId());
            if (c.state() == CaseState.DECIDED) {
                dao.note(c.caseId(), clip(what + " was retracted after this case was decided" + acted), BY, at);
                continue;
            }
            for (long e : gone) dao.dropEvidence(c.mediaId(), e);
            boolean othersLeft = dao.countingMatches(c.mediaId()) > 0 || c.reportCount() > 0
                    || c.reason() != null && (c.reason().contains("classifier:") || c.reason().contains("scanner failed:")
                    || c.reason().contains(org.sightline.decide.Decision.UNMARKED_ADULT));
            if (othersLeft) {
                dao.note(c.caseId(), clip("evidence withdrawn: " + what + " was retracted; other evidence remains" + acted), BY, at);
                continue;
            }
            String reason = clip("closed: its evidence was retracted (" + what + ")" + acted);
            if (dao.close(c.caseId(), RETRACTED, reason, BY, at) == 1) {
                dao.note(c.caseId(), reason, BY, at);
                audit.append(h, BY, "case_close", "case:" + c.caseId(), "evidence retracted: " + what);
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

    /** What the automatic actions on the media did, for the note: they are not undone here. */
    private String automaticActions(Handle h, long mediaId) {
        List<String> done = new ArrayList<>();
        for (ActionQueue.Requested r : actions.forMedia(h, mediaId)) {
            if (CaseIntake.AUTOMATIC.equals(r.requestedBy())) done.add(r.action() + " (" + r.state() + ")");
        }
        return done.isEmpty() ? "" : "; the automatic action " + String.join(", ", done)
                + " was NOT undone: undo it on the instance if it no longer stands";
    }

    private static String join(List<Long> ids) {
        return ids.stream().map(String::valueOf).reduce((a, b) -> a + ", " + b).orElse("");
    }

    private static String clip(String s) {
        return s.length() > 2000 ? s.substring(0, 1997) + "..." : s;
    }

    /** A case whose media matched a retracted entry (as counting evidence). */
    public record Affected(long caseId, long mediaId, CaseState state, String reason, int reportCount, long entryId) {
    }

    interface Dao {
        @SqlQuery("SELECT c.id AS case_id, c.media_id, c.state, c.reason, m.report_count, mm.entry_id"
                + " FROM media_matches mm JOIN cases c ON c.media_id = mm.media_id JOIN media m ON m.id = c.media_id"
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
