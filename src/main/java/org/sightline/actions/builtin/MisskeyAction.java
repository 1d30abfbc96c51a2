package org.sightline.actions.builtin;

import com.fasterxml.jackson.databind.JsonNode;
import org.sightline.actions.Action;
import org.sightline.actions.ActionContext;
import org.sightline.actions.ActionOutcome;
import org.sightline.actions.ConfigField;
import org.sightline.actions.PluginInstance;
import org.sightline.actions.PluginMedia;

import java.net.http.HttpClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Misskey moderation through its own API: every endpoint is {@code POST <base>/api/<endpoint>} with a JSON
 * body carrying the token as {@code i} (older versions read it nowhere else, so no Authorization header).
 * Media come in by the scan API with the note id as {@code status}, the user id as {@code account} and the
 * drive file id as {@code attachment}.
 * <ul>
 *   <li>{@code mark_sensitive}: {@code drive/files/update {fileId, isSensitive: true}}; without a file id the
 *       note's files are read ({@code notes/show}) and the one with the media's MD5 is chosen;</li>
 *   <li>{@code delete}: {@code notes/delete}; a note already gone counts as done, so a retry after a lost
 *       answer is harmless;</li>
 *   <li>{@code report}: {@code users/report-abuse} into the instance's own moderation queue;</li>
 *   <li>{@code account_action}: {@code suspend} only ({@code admin/suspend-user}); Misskey silences with roles,
 *       which have no stable API;</li>
 *   <li>{@code undo_mark_sensitive} and {@code undo_account_action} (a retraction withdrew what an automatic
 *       one stood on): the same file with {@code isSensitive: false}, {@code admin/unsuspend-user}.</li>
 * </ul>
 */
public final class MisskeyAction implements Action {
    /** Misskey refuses abuse report comments over 2048 characters. */
    static final int MAX_COMMENT = 2048;
    /** Error codes are short upper-case words; anything else an answer holds is not repeated. */
    private static final Pattern ERROR_CODE = Pattern.compile("[A-Z0-9_]{1,64}");

    private final HttpClient client = InstanceHttp.newClient();

    @Override
    public String name() {
        return "misskey";
    }

    @Override
    public Set<String> handles() {
        return Set.of("report", "mark_sensitive", "delete", "account_action", "undo_mark_sensitive",
                "undo_account_action");
    }

    @Override
    public Set<String> instanceKinds() {
        return Set.of("misskey");
    }

    @Override
    public List<ConfigField> configSchema() {
        return List.of();
    }

    @Override
    public ActionOutcome execute(ActionContext c) {
        if (c.instance() == null || c.instance().apiToken() == null) return InstanceHttp.missingToken(c.instance());
        return switch (c.action()) {
            case "mark_sensitive" -> markSensitive(c, true);
            case "undo_mark_sensitive" -> markSensitive(c, false);
            case "delete" -> delete(c);
            case "report" -> report(c);
            case "account_action" -> accountAction(c, "admin/suspend-user", "suspended");
            case "undo_account_action" -> accountAction(c, "admin/unsuspend-user", "unsuspended");
            default -> ActionOutcome.failed(null, "misskey: cannot carry out '" + c.action() + "'");
        };
    }

    private ActionOutcome markSensitive(ActionContext c, boolean sensitive) {
        String what = "misskey " + c.action();
        PluginMedia m = c.media();
        String fileId = m.attachmentId();
        if (fileId == null) {
            if (m.statusId() == null) {
                return ActionOutcome.failed(null, what + ": no drive file or note known for media " + m.id());
            }
            InstanceHttp.Answer note = call(c.instance(), "notes/show", Map.of("noteId", m.statusId()));
            if (!note.ok()) return outcome(note, what + " (notes/show)");
            FileChoice choice = fileOf(note.body(), m.md5());
            if (choice.fileId() == null) return ActionOutcome.failed(null, what + ": note " + m.statusId() + " " + choice.why());
            fileId = choice.fileId();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("fileId", fileId);
        body.put("isSensitive", sensitive);
        InstanceHttp.Answer answer = call(c.instance(), "drive/files/update", body);
        if (answer.ok()) {
            return ActionOutcome.done(answer.status(), what + ": drive file " + fileId + " marked "
                    + (sensitive ? "sensitive" : "not sensitive"));
        }
        return outcome(answer, what);
    }

    /** The drive file to mark, or why none could be chosen. */
    record FileChoice(String fileId, String why) {
    }

    /**
     * The file of the note whose MD5 is the media's; failing that, the note's only file (the instance may have
     * re-encoded it). Several files and none matching: guessing could hide the wrong picture.
     */
    static FileChoice fileOf(String noteJson, String md5) {
        JsonNode files;
        try {
            files = InstanceHttp.JSON.readTree(noteJson).path("files");
        } catch (Exception e) {
            return new FileChoice(null, "could not be read (not JSON)");
        }
        if (!files.isArray() || files.isEmpty()) return new FileChoice(null, "has no files");
        if (md5 != null) {
            for (JsonNode f : files) {
                if (md5.equalsIgnoreCase(f.path("md5").asText("")) && f.hasNonNull("id")) {
                    return new FileChoice(f.get("id").asText(), null);
                }
            }
        }
        if (files.size() == 1 && files.get(0).hasNonNull("id")) return new FileChoice(files.get(0).get("id").asText(), null);
        return new FileChoice(null, "has " + files.size() + " files and none with MD5 " + md5
                + "; give the drive file id as 'attachment' when scanning");
    }

    private ActionOutcome delete(ActionContext c) {
        String what = "misskey delete";
        String noteId = c.media().statusId();
        if (noteId == null) return ActionOutcome.failed(null, what + ": no note known for media " + c.media().id());
        InstanceHttp.Answer answer = call(c.instance(), "notes/delete", Map.of("noteId", noteId));
        if (answer.ok()) return ActionOutcome.done(answer.status(), what + ": note " + noteId + " deleted");
        if (answer.status() == 400 && "NO_SUCH_NOTE".equals(errorCode(answer.body()))) {
            // an earlier attempt may have deleted it and lost the answer
            return ActionOutcome.done(answer.status(), what + ": note " + noteId + " already gone");
        }
        return outcome(answer, what);
    }

    private ActionOutcome report(ActionContext c) {
        String what = "misskey report";
        PluginMedia m = c.media();
        if (m.accountId() == null) return ActionOutcome.failed(null, what + ": no user id known for media " + m.id());
        String noteUrl = m.statusUrl() != null ? m.statusUrl()
                : m.statusId() == null ? null : c.instance().baseUrl() + "/notes/" + m.statusId();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("userId", m.accountId());
        body.put("comment", ReportComment.write(c, noteUrl, MAX_COMMENT));
        InstanceHttp.Answer answer = call(c.instance(), "users/report-abuse", body);
        if (answer.ok()) return ActionOutcome.done(answer.status(), what + ": user " + m.accountId() + " reported");
        return outcome(answer, what);
    }

    private ActionOutcome accountAction(ActionContext c, String endpoint, String done) {
        String type = c.params().get("type");
        if (!"suspend".equals(type)) {
            return ActionOutcome.failed(null, "Misskey has no API for '" + type + "'; use suspend or its roles");
        }
        String what = "misskey " + endpoint;
        String userId = c.media().accountId();
        if (userId == null) return ActionOutcome.failed(null, what + ": no user id known for media " + c.media().id());
        InstanceHttp.Answer answer = call(c.instance(), endpoint, Map.of("userId", userId));
        if (answer.ok()) return ActionOutcome.done(answer.status(), what + ": user " + userId + " " + done);
        return outcome(answer, what);
    }

    /** {@code POST <base>/api/<endpoint>} with {@code params} and the token as {@code i}. */
    private InstanceHttp.Answer call(PluginInstance instance, String endpoint, Map<String, Object> params) {
        Map<String, Object> body = new LinkedHashMap<>(params);
        body.put("i", instance.apiToken());
        return InstanceHttp.send(client, InstanceHttp.json(InstanceHttp.unauthenticated(instance, "/api/" + endpoint),
                "POST", body));
    }

    /** 5xx, 429 and timeouts retry; other errors fail with Misskey's code ({@code HTTP 400 ACCESS_DENIED}). */
    private static ActionOutcome outcome(InstanceHttp.Answer answer, String what) {
        return answer.outcome(what, errorCode(answer.body()));
    }

    /** {@code error.code} of a Misskey error answer ({@code {"error": {"message", "code", "id"}}}), if it is one. */
    static String errorCode(String body) {
        try {
            String code = InstanceHttp.JSON.readTree(body).path("error").path("code").asText("");
            return ERROR_CODE.matcher(code).matches() ? code : null;
        } catch (Exception e) {
            return null;
        }
    }
}
