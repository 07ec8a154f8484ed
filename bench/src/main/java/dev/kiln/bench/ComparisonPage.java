package dev.kiln.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The comparison as one self-contained HTML page: per workload a bar chart of the times (Kiln,
 * JAX, PyTorch; shorter is faster) with the roofline floor drawn as a line, then the notes. No
 * scripts and no external files, so it opens anywhere.
 */
final class ComparisonPage {
    private ComparisonPage() {}

    private record Bar(String name, double seconds, String colour) {}

    private static final int WIDTH = 560;
    private static final int LABEL = 150;
    private static final int BAR = 16;

    static String render(
            String title, ComparisonTable.KilnResults kiln, Object jax, Object torch, int cores, String notes) {
        ComparisonTable.MachineLimits limits = ComparisonTable.MachineLimits.from(kiln, cores);
        List<ComparisonTable.Row> rows = ComparisonTable.rows(kiln, jax, torch, limits, new ArrayList<>());
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(escape(title))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;color:#222}"
                        + "h2{font-size:1em;margin:1.6em 0 .3em}svg text{font-size:12px}"
                        + "p.ratio{margin:.2em 0;color:#555;font-size:.9em}pre{white-space:pre-wrap}</style>"
                        + "</head><body>\n<h1>")
                .append(escape(title))
                .append("</h1>\n<p>")
                .append(escape("Limits measured in this run: " + limits.summary() + "."))
                .append("</p>\n<p>Shorter bars are faster. The dashed line is the floor: the least time the"
                        + " measured bandwidth or FMA peak allows for the workload.</p>\n")
                .append("<p>")
                .append(escape(ComparisonTable.geometricMeans(rows).trim()))
                .append("</p>\n");
        for (ComparisonTable.Row r : rows) {
            List<Bar> bars = new ArrayList<>();
            add(bars, "Kiln jit", r.jit(), "#c0392b");
            add(bars, "Kiln eager", r.eager(), "#e6a19a");
            add(bars, "JAX jit", r.jaxJit(), "#2e6db4");
            add(bars, "JAX eager", r.jaxEager(), "#9dbbe0");
            add(bars, "PyTorch compiled", r.torchCompiled(), "#d68910");
            add(bars, "PyTorch eager", r.torchEager(), "#f5cba7");
            add(bars, "plain Java, 1 thread", r.plain(), "#999999");
            if (bars.isEmpty()) {
                continue;
            }
            h.append("<h2>").append(escape(r.label())).append("</h2>\n");
            h.append("<p class=\"ratio\">")
                    .append(escape("Kiln jit / JAX jit " + ComparisonTable.ratio(r.jit() / r.jaxJit())
                            + ", Kiln jit / best peer " + ComparisonTable.ratio(r.jit() / r.bestPeer())
                            + ", floor / Kiln jit " + ComparisonTable.percent(r.floor() / r.jit())))
                    .append("</p>\n");
            h.append(chart(bars, r.floor()));
        }
        h.append("<h2>Notes</h2>\n<pre>").append(escape(notes)).append("</pre>\n</body></html>\n");
        return h.toString();
    }

    private static void add(List<Bar> bars, String name, double seconds, String colour) {
        if (Double.isFinite(seconds) && seconds > 0) {
            bars.add(new Bar(name, seconds, colour));
        }
    }

    /** One horizontal bar chart on a linear scale that ends at the slowest bar. */
    private static String chart(List<Bar> bars, double floor) {
        double max = 0;
        for (Bar b : bars) {
            max = Math.max(max, b.seconds());
        }
        if (Double.isFinite(floor)) {
            max = Math.max(max, floor);
        }
        int span = WIDTH - LABEL - 80;
        int height = bars.size() * (BAR + 4) + 8;
        StringBuilder s = new StringBuilder();
        s.append(String.format(
                Locale.ROOT,
                "<svg width=\"%d\" height=\"%d\" role=\"img\" xmlns=\"http://www.w3.org/2000/svg\">\n",
                WIDTH,
                height));
        int y = 4;
        for (Bar b : bars) {
            double w = span * b.seconds() / max;
            s.append(String.format(
                    Locale.ROOT,
                    "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                            + "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>"
                            + "<text x=\"%.1f\" y=\"%d\">%s</text>\n",
                    LABEL - 6,
                    y + BAR - 4,
                    escape(b.name()),
                    LABEL,
                    y,
                    Math.max(w, 1),
                    BAR,
                    b.colour(),
                    LABEL + Math.max(w, 1) + 4,
                    y + BAR - 4,
                    escape(ComparisonTable.time(b.seconds()))));
            y += BAR + 4;
        }
        if (Double.isFinite(floor)) {
            double x = LABEL + span * floor / max;
            s.append(String.format(
                    Locale.ROOT,
                    "<line x1=\"%.1f\" y1=\"0\" x2=\"%.1f\" y2=\"%d\" stroke=\"#000\" stroke-dasharray=\"4 3\">"
                            + "<title>floor %s</title></line>\n",
                    x,
                    x,
                    height,
                    escape(ComparisonTable.time(floor))));
        }
        return s.append("</svg>\n").toString();
    }

    static String escape(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
