package org.sightline.web;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A bar chart as inline SVG, drawn on the server: no script, so it works under the panel's Content-Security-Policy;
 * each bar carries its value as text, so the chart reads without colour; the figure has a title for screen readers.
 */
final class SvgBars {
    private static final int WIDTH = 600, HEIGHT = 220, TOP = 22, BOTTOM = 34, LEFT = 8, RIGHT = 8;

    private SvgBars() {
    }

    /** One bar per entry of {@code data}, in its order; {@code unit} follows each value (e.g. " %"). */
    static String render(String title, Map<?, ? extends Number> data, String unit) {
        List<? extends Map.Entry<?, ? extends Number>> bars = List.copyOf(data.entrySet());
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(escape(title)).append("\"><title>")
                .append(escape(title)).append("</title>");
        if (bars.isEmpty()) {
            svg.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\" fill=\"#667085\">no data yet</text></svg>");
            return svg.toString();
        }
        double max = bars.stream().mapToDouble(e -> e.getValue().doubleValue()).max().orElse(0);
        if (max <= 0) max = 1;
        double slot = (WIDTH - LEFT - RIGHT) / (double) bars.size();
        double barWidth = Math.max(2, Math.min(60, slot * 0.7));
        int plot = HEIGHT - TOP - BOTTOM;
        svg.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(HEIGHT - BOTTOM).append("\" x2=\"")
                .append(WIDTH - RIGHT).append("\" y2=\"").append(HEIGHT - BOTTOM).append("\" stroke=\"#98a2b3\"/>");
        // label every bar when they fit, else every n-th
        int labelEvery = (int) Math.ceil(bars.size() / 14.0);
        for (int i = 0; i < bars.size(); i++) {
            double v = bars.get(i).getValue().doubleValue();
            double h = plot * v / max;
            double x = LEFT + i * slot + (slot - barWidth) / 2;
            double y = HEIGHT - BOTTOM - h;
            String value = format(v) + unit;
            String label = String.valueOf(bars.get(i).getKey());
            svg.append("<g><title>").append(escape(label + ": " + value)).append("</title>")
                    .append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2f5fb3\"/>",
                            x, y, barWidth, Math.max(h, v > 0 ? 1 : 0)));
            if (i % labelEvery == 0 || bars.size() <= 14) {
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"16\" fill=\"#1d2330\">%s</text>",
                        x + barWidth / 2, y - 5, escape(value)));
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"14\" fill=\"#475467\">%s</text>",
                        x + barWidth / 2, HEIGHT - BOTTOM + 20, escape(shortLabel(label))));
            }
            svg.append("</g>");
        }
        return svg.append("</svg>").toString();
    }

    /** Dates as "11-29"; anything else cut to fit under its bar. */
    private static String shortLabel(String label) {
        if (label.matches("\\d{4}-\\d{2}-\\d{2}")) return label.substring(5);
        return label.length() > 12 ? label.substring(0, 11) + "…" : label;
    }

    private static String format(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
