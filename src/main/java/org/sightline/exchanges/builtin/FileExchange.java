package org.sightline.exchanges.builtin;

import org.sightline.exchanges.Exchange;
import org.sightline.exchanges.ExchangeException;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A file of signals in python-threatexchange's file format: one {@code <signal type> <value>} per line
 * ({@code pdq <hex>}; anything after the value is ignored, as are blank lines and {@code #} comments), read from a
 * URL on every fetch. The file is the whole truth: a line that disappears removes its entry.
 */
public final class FileExchange implements Exchange {
    private static final int MAX_RECORDS = 2_000_000;

    @Override
    public String name() {
        return "file";
    }

    @Override
    public List<Field> configSchema() {
        return List.of(Field.string("url", true, "The http(s) URL of a file of 'pdq <hex>' lines, re-read on every fetch"));
    }

    @Override
    public List<Field> credentialSchema() {
        return List.of();
    }

    @Override
    public Page fetch(Request request) throws ExchangeException {
        String url = request.config().get("url");
        if (url == null || url.isBlank()) throw new ExchangeException("the file exchange needs a url");
        Http.Response r = request.http().get(url, Map.of());
        if (!r.ok()) throw new ExchangeException("cannot read the file: " + (r.status() == 0 ? r.error() : "HTTP " + r.status()));
        Map<String, Update> records = new LinkedHashMap<>();
        String[] lines = new String(r.body(), StandardCharsets.UTF_8).split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) continue;
            String[] parts = line.split("\\s+");
            if (parts.length < 2) throw new ExchangeException("line " + (i + 1) + ": expected '<signal type> <value>'");
            String type = parts[0].toLowerCase(Locale.ROOT);
            String value = parts[1].toLowerCase(Locale.ROOT);
            if (!type.equals("pdq") && !type.equals("md5") && !type.equals("sha256")) continue; // signals we do not match
            records.put(type + ":" + value, new Update(type + ":" + value, Map.of(type, value), false));
            if (records.size() > MAX_RECORDS) throw new ExchangeException("the file has more than " + MAX_RECORDS + " records");
        }
        long now = request.clock().instant().getEpochSecond();
        return new Page(new ArrayList<>(records.values()), String.valueOf(now), now, false, true);
    }
}
