package org.sightline.web;

import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.extension.escaper.SafeString;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import org.sightline.common.WireName;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Template helpers, so every page speaks the same way: {@code when} shows a time as "5 min ago" with the exact
 * UTC time on hover (one format everywhere), {@code human} turns a domain word ({@code account_silence}) into
 * words a moderator reads ("Silence the account").
 */
final class PanelExtension extends AbstractExtension {
    private static final DateTimeFormatter EXACT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);

    /** Words whose plain form is not just the word with spaces. */
    private static final Map<String, String> WORDS = Map.ofEntries(
            Map.entry("account_silence", "Silence the account"),
            Map.entry("account_suspend", "Suspend the account"),
            Map.entry("account_sensitive", "Mark the account sensitive"),
            Map.entry("account_action", "Act on the account"),
            Map.entry("mark_sensitive", "Mark the media sensitive"),
            Map.entry("undo_account_action", "Undo the account action"),
            Map.entry("undo_mark_sensitive", "Undo the sensitive mark"),
            Map.entry("report", "Report to the instance"),
            Map.entry("delete", "Delete the post"),
            Map.entry("quarantine", "Quarantine the evidence"),
            Map.entry("webhook", "Signed webhook"),
            Map.entry("csam", "CSAM"),
            Map.entry("ncii", "NCII (intimate imagery shared without consent)"),
            Map.entry("hate_symbol", "Hate symbol"),
            Map.entry("graphic_violence", "Graphic violence"),
            Map.entry("confirm", "Confirmed"),
            Map.entry("dismiss", "Dismissed"),
            Map.entry("escalate", "Escalated"),
            Map.entry("pdq", "PDQ"),
            Map.entry("phash", "pHash"),
            Map.entry("dhash", "dHash"),
            Map.entry("md5", "MD5"),
            Map.entry("sha256", "SHA-256"),
            Map.entry("fetch_failed", "Could not be fetched"),
            Map.entry("decode_failed", "Could not be decoded"),
            Map.entry("too_large", "Too large"),
            Map.entry("none", "—"));

    private final Clock clock;

    PanelExtension(Clock clock) {
        this.clock = clock;
    }

    /** "5 min ago", "in 3 days", or the date for anything more than a week away. */
    static String relative(Instant at, Instant now) {
        Duration d = Duration.between(at, now);
        boolean past = !d.isNegative();
        long s = Math.abs(d.getSeconds());
        String span;
        if (s < 45) return past ? "just now" : "in a moment";
        else if (s < 3600) span = Math.max(1, Math.round(s / 60.0)) + " min";
        else if (s < 86_400) span = Math.round(s / 3600.0) + " h";
        else if (s < 7 * 86_400) span = plural(Math.round(s / 86_400.0), "day");
        else return DAY.format(at);
        return past ? span + " ago" : "in " + span;
    }

    private static String plural(long n, String word) {
        return n + " " + word + (n == 1 ? "" : "s");
    }

    /** The plain words for a domain word; unknown words read with spaces and a capital. */
    static String human(Object input) {
        if (input == null) return "";
        String w = input instanceof WireName wn ? wn.wireName() : input.toString();
        String known = WORDS.get(w);
        if (known != null) return known;
        if (w.isEmpty() || !w.matches("[a-z0-9_:.-]+")) return w;
        String spaced = w.replace('_', ' ');
        return spaced.substring(0, 1).toUpperCase(Locale.ROOT) + spaced.substring(1);
    }

    @Override
    public Map<String, Filter> getFilters() {
        return Map.of("when", new NoArgs() {
            @Override
            public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                                int lineNumber) {
                if (!(input instanceof Instant i)) return input == null ? "" : input.toString();
                // both strings come from numbers and fixed words: nothing here needs escaping
                return new SafeString("<time datetime=\"" + i + "\" title=\"" + EXACT.format(i) + "\">"
                        + relative(i, clock.instant()) + "</time>");
            }
        }, "human", new NoArgs() {
            @Override
            public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                                int lineNumber) {
                return human(input);
            }
        });
    }

    @Override
    public Map<String, io.pebbletemplates.pebble.extension.Function> getFunctions() {
        return Map.of("bars", new io.pebbletemplates.pebble.extension.Function() {
            @Override
            public Object execute(Map<String, Object> args, PebbleTemplate self, EvaluationContext context, int lineNumber) {
                @SuppressWarnings("unchecked")
                Map<?, ? extends Number> data = (Map<?, ? extends Number>) args.get("data");
                Object unit = args.get("unit");
                return new SafeString(SvgBars.render(String.valueOf(args.get("title")),
                        data == null ? Map.of() : data, unit == null ? "" : unit.toString()));
            }

            @Override
            public List<String> getArgumentNames() {
                return List.of("data", "title", "unit");
            }
        });
    }

    private abstract static class NoArgs implements Filter {
        @Override
        public List<String> getArgumentNames() {
            return List.of();
        }
    }
}
