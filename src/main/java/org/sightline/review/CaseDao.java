package org.sightline.review;

import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.sightline.decide.Outcome;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

@RegisterConstructorMapper(CaseRecord.class)
public interface CaseDao {

    /** Opens a case for the media item unless it has one (re-processing after a crash adds none). */
    @SqlUpdate("INSERT INTO cases (media_id, state, priority, reason, auto_outcome, created_at, updated_at)"
            + " SELECT :mediaId, 'open', :priority, :reason, :autoOutcome, :at, :at"
            + " WHERE NOT EXISTS (SELECT 1 FROM cases WHERE media_id = :mediaId)")
    int openIfAbsent(@Bind("mediaId") long mediaId, @Bind("priority") int priority, @Bind("reason") String reason,
                     @Bind("autoOutcome") Outcome autoOutcome, @Bind("at") Instant at);

    @SqlQuery("SELECT suggested_action FROM cases WHERE id = :id AND suggested_action IS NOT NULL")
    Optional<String> suggestedAction(@Bind("id") long caseId);

    /** An action offered to the moderator on an open case (never taken without one). */
    @SqlUpdate("UPDATE cases SET suggested_action = :action WHERE media_id = :mediaId AND state <> 'decided'")
    int suggest(@Bind("mediaId") long mediaId, @Bind("action") Outcome action);

    @SqlUpdate("UPDATE cases SET priority = priority + :boost, updated_at = :at WHERE media_id = :mediaId")
    int raisePriority(@Bind("mediaId") long mediaId, @Bind("boost") int boost, @Bind("at") Instant at);

    @SqlQuery("SELECT * FROM cases WHERE media_id = :mediaId")
    Optional<CaseRecord> forMedia(@Bind("mediaId") long mediaId);

    @SqlQuery("SELECT * FROM cases WHERE state = 'open' ORDER BY priority DESC, id")
    List<CaseRecord> open();

    /** A note Sightline wrote on a case (e.g. its evidence retracted). */
    record Note(String note, String writtenBy, Instant createdAt) {
    }

    @SqlQuery("SELECT note, written_by, created_at FROM case_notes WHERE case_id = :caseId ORDER BY id")
    @RegisterConstructorMapper(Note.class)
    List<Note> notes(@Bind("caseId") long caseId);

    @SqlUpdate("INSERT INTO case_notes (case_id, note, written_by, created_at) VALUES (:caseId, :note, :by, :at)")
    void note(@Bind("caseId") long caseId, @Bind("note") String note, @Bind("by") String by, @Bind("at") Instant at);

    @SqlUpdate("INSERT INTO case_entries (case_id, entry_id, bank_name) VALUES (:caseId, :entryId, :bank)")
    void addedEntry(@Bind("caseId") long caseId, @Bind("entryId") long entryId, @Bind("bank") String bank);

    record AddedEntry(long entryId, String bankName) {
    }

    @SqlQuery("SELECT entry_id, bank_name FROM case_entries WHERE case_id = :caseId ORDER BY entry_id")
    @RegisterConstructorMapper(AddedEntry.class)
    List<AddedEntry> addedEntries(@Bind("caseId") long caseId);

    @SqlQuery("SELECT COUNT(*) FROM cases WHERE state = 'open'")
    long countOpen();
}
