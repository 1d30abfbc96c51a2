package org.sightline.exchanges;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * A hash exchange API (StopNCII, NCMEC, a file of {@code pdq} lines, ...), found with {@link java.util.ServiceLoader}
 * like actions and scanners: a jar in {@code plugins/} with a {@code META-INF/services/org.sightline.exchanges.Exchange}
 * entry adds one. An exchange only reads its source one page at a time from an opaque checkpoint it defines; storing
 * records in a bank, the checkpoint, the lease and the schedule are Sightline's.
 */
public interface Exchange {

    /** The API's name, as HMA names it ({@code stop_ncii}, {@code ncmec}, {@code file}). */
    String name();

    /** The fields of an exchange's configuration ({@code api_json}). */
    List<Field> configSchema();

    /** The fields of the API's credentials ({@code credential_json}); empty: it takes none. */
    List<Field> credentialSchema();

    /**
     * The next page of records after {@code request.checkpoint()} (null: from the beginning). Throws
     * {@link ExchangeException} with a sentence an admin can act on (never a credential) when the source refuses or
     * answers something unreadable.
     */
    Page fetch(Request request) throws ExchangeException;

    /**
     * Why this API takes no opinion on its records with these credentials (null: it takes them). The default: it
     * takes none (ThreatExchange, a file).
     */
    default String feedbackUnavailable(Map<String, String> credentials) {
        return "this exchange takes no feedback";
    }

    /**
     * Tells the source a moderator's opinion on one of its records, through its documented feedback call. Throws
     * {@link ExchangeException} with a sentence an admin can act on when the source does not take it (Sightline tries
     * again later).
     */
    default void feedback(Feedback feedback) throws ExchangeException {
        throw new ExchangeException(name() + " takes no feedback");
    }

    /**
     * One opinion to send: the record (its id as {@link #fetch} gave it, and the signal of the entry that matched),
     * {@code opinion} {@code false_positive} or {@code disputed}.
     */
    record Feedback(Map<String, String> config, Map<String, String> credentials, String recordId, String signalType,
                    String signalValue, String opinion, Http http, Sender sender) {
    }

    /** How an exchange sends a request with a body (POST, PUT), through Sightline's SSRF-safe fetcher. */
    interface Sender {
        Http.Response send(String method, String url, Map<String, String> headers, String contentType, byte[] body);
    }

    /** One form field, in HMA's schema shape ({@code name, type, required, default, help, choices}). */
    record Field(String name, String type, boolean required, Object defaultValue, String help, List<String> choices) {
        public static Field string(String name, boolean required, String help) {
            return new Field(name, "string", required, null, help, null);
        }
    }

    /**
     * One record of the exchange: its id at the source and its signals ({@code pdq}, {@code md5}, ... to
     * lower-case hex), replacing what the record had before; {@code deleted}: the source removed it.
     */
    record Update(String recordId, Map<String, String> signals, boolean deleted) {
        public static Update deletion(String recordId) {
            return new Update(recordId, Map.of(), true);
        }
    }

    /**
     * A page: its updates in the source's order, the checkpoint to resume after it, the source's time it reaches
     * (Unix seconds, null if unknown), whether more pages follow now, and whether it is a complete snapshot (records
     * not in it are gone: a file re-read).
     */
    record Page(List<Update> updates, String checkpoint, Long checkpointTs, boolean more, boolean snapshot) {
    }

    /** How an exchange reaches its source: GET only, through Sightline's SSRF-safe fetcher. */
    interface Http {
        Response get(String url, Map<String, String> headers);

        /** {@code status} 0: no answer ({@code error} says why); {@code body} empty unless 2xx. */
        record Response(int status, byte[] body, String error) {
            public boolean ok() {
                return status >= 200 && status < 300;
            }
        }
    }

    record Request(Map<String, String> config, Map<String, String> credentials, String checkpoint, Http http,
                   Clock clock) {
    }
}
