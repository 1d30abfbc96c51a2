package org.sightline.web;

import io.pebbletemplates.pebble.extension.AbstractExtension;
import io.pebbletemplates.pebble.extension.Filter;
import io.pebbletemplates.pebble.template.EvaluationContext;
import io.pebbletemplates.pebble.template.PebbleTemplate;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

/** Template helpers: {@code when} formats an instant as "2026-11-24 06:30 UTC". */
final class PanelExtension extends AbstractExtension {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Override
    public Map<String, Filter> getFilters() {
        return Map.of("when", new Filter() {
            @Override
            public Object apply(Object input, Map<String, Object> args, PebbleTemplate self, EvaluationContext context,
                                int lineNumber) {
                return input instanceof Instant i ? WHEN.format(i) : input == null ? "" : input.toString();
            }

            @Override
            public List<String> getArgumentNames() {
                return List.of();
            }
        });
    }
}
