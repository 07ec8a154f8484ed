package dev.kiln.conformance;

import dev.kiln.Kiln;
import dev.kiln.conformance.Outcome.Status;
import dev.kiln.ir.Primitive;
import dev.kiln.spi.Backend;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Outcomes of conformance cases, by backend, row ({@code family op}) and dtype column, printed as a
 * table a person can read in a terminal. Thread-safe.
 */
public final class SupportMatrix {
    /** Column order; {@code -} holds cases that are not about one dtype. */
    private static final List<String> COLUMNS = List.of("bool", "int32", "int64", "uint32", "float32", "float64", "-");

    private static final int SHOWN_FAILURES = 40;

    /** What the cells mean; printed above each table, and the words the README uses. */
    public static final String LEGEND =
            "ok: all passed, ok*: passed but some excluded, F<n>: n failed, excl: excluded, unsup: unsupported primitive;"
                    + " +: some cases ran through decompositions into core primitives";

    private record Row(String family, String op) {}

    private static final class Cell {
        final EnumMap<Status, Integer> counts = new EnumMap<>(Status.class);
        boolean decomposed;

        void add(Outcome o) {
            counts.merge(o.status(), 1, Integer::sum);
            decomposed |= !o.decomposed().isEmpty();
        }

        int count(Status s) {
            return counts.getOrDefault(s, 0);
        }

        /** The status, with {@code +} where some case ran through decompositions. */
        String render() {
            String status = status();
            return decomposed && !status.isEmpty() ? status + "+" : status;
        }

        private String status() {
            int fail = count(Status.FAIL);
            if (fail > 0) {
                return "F" + fail;
            }
            if (count(Status.UNSUPPORTED) > 0) {
                return "unsup";
            }
            if (count(Status.PASS) > 0) {
                return count(Status.EXCLUDED) > 0 ? "ok*" : "ok";
            }
            return count(Status.EXCLUDED) > 0 ? "excl" : "";
        }
    }

    private static final class Board {
        final Map<Row, Map<String, Cell>> cells = new LinkedHashMap<>();
        final EnumMap<Status, Integer> totals = new EnumMap<>(Status.class);
        final List<String> failures = new ArrayList<>();
        final Map<String, Integer> exclusions = new LinkedHashMap<>();
        final Map<String, Integer> unsupported = new TreeMap<>();
        final Map<String, Long> nanosByFamily = new LinkedHashMap<>();
        final Map<Primitive, Integer> decomposed = new EnumMap<>(Primitive.class);
    }

    private final Map<String, Board> boards = new LinkedHashMap<>();

    public SupportMatrix() {}

    /** Records one outcome, and the time the case took. */
    public synchronized void record(String backend, Case c, Outcome o, long nanos) {
        Board b = boards.computeIfAbsent(backend, k -> new Board());
        b.cells
                .computeIfAbsent(new Row(c.family(), c.op()), k -> new LinkedHashMap<>())
                .computeIfAbsent(c.dtype(), k -> new Cell())
                .add(o);
        b.totals.merge(o.status(), 1, Integer::sum);
        for (Primitive p : o.decomposed()) {
            b.decomposed.merge(p, 1, Integer::sum);
        }
        b.nanosByFamily.merge(c.family(), nanos, Long::sum);
        switch (o.status()) {
            case FAIL -> {
                if (b.failures.size() < SHOWN_FAILURES) {
                    String through = o.decomposed().isEmpty()
                            ? ""
                            : " [through decompositions of "
                                    + o.decomposed().stream()
                                            .map(Primitive::printName)
                                            .sorted()
                                            .collect(Collectors.joining(", "))
                                    + "]";
                    b.failures.add(c.path() + through + ": " + firstLines(o.detail(), 4));
                }
            }
            case EXCLUDED -> b.exclusions.merge(o.detail(), 1, Integer::sum);
            case UNSUPPORTED -> b.unsupported.merge(firstLines(o.detail(), 1), 1, Integer::sum);
            case PASS -> {}
        }
    }

    /** How many cases of one row (family and op) and dtype column had {@code status}. */
    public synchronized int count(String backend, String family, String op, String dtype, Status status) {
        Board b = boards.get(backend);
        if (b == null) {
            return 0;
        }
        Map<String, Cell> row = b.cells.get(new Row(family, op));
        Cell cell = row == null ? null : row.get(dtype);
        return cell == null ? 0 : cell.count(status);
    }

    public synchronized int count(String backend, Status status) {
        Board b = boards.get(backend);
        return b == null ? 0 : b.totals.getOrDefault(status, 0);
    }

    public synchronized int count(Status status) {
        int n = 0;
        for (String backend : boards.keySet()) {
            n += count(backend, status);
        }
        return n;
    }

    /** {@code N passed, M failed, K excluded, U unsupported} for one backend. */
    public synchronized String totals(String backend) {
        return count(backend, Status.PASS) + " passed, " + count(backend, Status.FAIL) + " failed, "
                + count(backend, Status.EXCLUDED) + " excluded, " + count(backend, Status.UNSUPPORTED) + " unsupported";
    }

    /** The tables of every backend recorded so far. */
    public synchronized String render() {
        StringBuilder out = new StringBuilder();
        for (String backend : boards.keySet()) {
            out.append(render(backend)).append('\n');
        }
        return out.toString();
    }

    /** The table of one backend: rows are family and op, columns dtypes. */
    /**
     * What the backend says of itself: capabilities, dtypes, and how many non-control primitives
     * it implements natively (the others run as decompositions into the core).
     */
    static String describe(String name) {
        Backend b;
        try {
            b = Kiln.backend(name);
        } catch (RuntimeException e) {
            return "  (backend not open: " + e.getMessage() + ")";
        }
        List<Primitive> ops = Arrays.stream(Primitive.values())
                .filter(p -> p.kind() != Primitive.Kind.CONTROL && p.kind() != Primitive.Kind.COLLECTIVE)
                .toList();
        List<Primitive> decomposed = ops.stream()
                .filter(p -> b.dtypes().stream().noneMatch(t -> b.implementsNatively(p, t)))
                .toList();
        return "  capabilities " + b.capabilities() + ", dtypes " + b.dtypes() + ", native primitives "
                + (ops.size() - decomposed.size()) + " of " + ops.size()
                + (decomposed.isEmpty()
                        ? ""
                        : " (decomposed: "
                                + decomposed.stream()
                                        .map(Primitive::printName)
                                        .collect(java.util.stream.Collectors.joining(" "))
                                + ")");
    }

    public synchronized String render(String backend) {
        Board b = boards.get(backend);
        if (b == null) {
            return "backend '" + backend + "': no cases ran\n";
        }
        StringBuilder out = new StringBuilder();
        out.append("Kiln conformance, backend '")
                .append(backend)
                .append("'   (")
                .append(LEGEND)
                .append(")\n");
        out.append(describe(backend)).append('\n');
        String header = String.format(Locale.ROOT, "%-12s %-24s", "family", "op");
        StringBuilder h = new StringBuilder(header);
        for (String c : COLUMNS) {
            h.append(String.format(Locale.ROOT, " %-7s", c));
        }
        out.append(h.toString().stripTrailing()).append('\n');
        String lastFamily = null;
        List<String> order = Suite.families().stream().map(Family::name).toList();
        List<Map.Entry<Row, Map<String, Cell>>> rows = new ArrayList<>(b.cells.entrySet());
        // stable: rows keep their first-seen order within a family, families follow the suite's order
        rows.sort(java.util.Comparator.comparingInt(e -> {
            int i = order.indexOf(e.getKey().family);
            return i < 0 ? order.size() : i;
        }));
        for (var e : rows) {
            Row r = e.getKey();
            StringBuilder line = new StringBuilder(String.format(
                    Locale.ROOT, "%-12s %-24s", r.family.equals(lastFamily) ? "" : r.family, truncate(r.op, 24)));
            lastFamily = r.family;
            for (String c : COLUMNS) {
                Cell cell = e.getValue().get(c);
                line.append(String.format(Locale.ROOT, " %-7s", cell == null ? "." : cell.render()));
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        if (!b.failures.isEmpty()) {
            int failed = b.totals.getOrDefault(Status.FAIL, 0);
            out.append("Failures")
                    .append(failed > b.failures.size() ? " (first " + b.failures.size() + " of " + failed + ")" : "")
                    .append(":\n");
            for (String f : b.failures) {
                out.append("  ").append(f.replace("\n", "\n    ")).append('\n');
            }
        }
        if (!b.exclusions.isEmpty()) {
            out.append("Excluded:\n");
            b.exclusions.forEach((reason, n) ->
                    out.append("  ").append(n).append(" cases: ").append(reason).append('\n'));
        }
        if (!b.unsupported.isEmpty()) {
            out.append("Unsupported:\n");
            b.unsupported.forEach((msg, n) ->
                    out.append("  ").append(n).append(" cases: ").append(msg).append('\n'));
        }
        if (!b.decomposed.isEmpty()) {
            out.append("Decomposed (+), cases that ran through each decomposition:");
            int column = 0;
            for (var e : b.decomposed.entrySet()) {
                String item = " " + e.getKey().printName() + " " + e.getValue();
                if (column + item.length() > 100) {
                    out.append("\n ");
                    column = 0;
                }
                out.append(item);
                column += item.length();
            }
            out.append('\n');
        }
        out.append("Time by family:");
        b.nanosByFamily.forEach((f, ns) -> out.append(String.format(Locale.ROOT, " %s %.1fs", f, ns / 1e9)));
        out.append('\n').append(backend).append(": ").append(totals(backend)).append('\n');
        return out.toString();
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "~";
    }

    private static String firstLines(String s, int lines) {
        if (s == null) {
            return "";
        }
        String[] parts = s.split("\n", lines + 1);
        return parts.length <= lines ? s : String.join("\n", java.util.Arrays.copyOf(parts, lines)) + "\n...";
    }
}
