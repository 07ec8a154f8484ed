package dev.kiln;

import dev.kiln.ir.Primitive;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code einsum} lowered to primitives: repeated labels within an operand become diagonals (a
 * strided SLICE of the flattened pair), operands are contracted pairwise from left to right with
 * DOT_GENERAL, labels nobody needs later are summed away first, and a final TRANSPOSE gives the
 * requested order. Labels are letters; {@code ...} stands for broadcast leading dimensions.
 */
final class Einsum {
    private Einsum() {}

    /** Labels of the dimensions an ellipsis covers, numbered from the left of the widest one. */
    private static final int ELLIPSIS_BASE = 1 << 20;

    /** An intermediate operand: an array and the label of each of its dimensions. */
    private record Term(Array array, List<Integer> labels) {}

    static Array einsum(String spec, Array... operands) {
        String s = spec.replaceAll("\\s+", "");
        int arrow = s.indexOf("->");
        if (arrow >= 0 && s.indexOf("->", arrow + 1) >= 0) {
            throw syntax(spec, "it has more than one '->'");
        }
        String lhs = arrow >= 0 ? s.substring(0, arrow) : s;
        String[] inputs = lhs.split(",", -1);
        if (inputs.length != operands.length) {
            throw new ShapeException("einsum: \"" + spec + "\" names " + inputs.length + " operand"
                    + (inputs.length == 1 ? "" : "s") + " but " + operands.length + " were given");
        }
        List<List<Integer>> raw = new ArrayList<>();
        int widest = 0;
        int[] ellipsisRank = new int[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            List<Integer> labels = parseTerm(spec, inputs[i]);
            int letters = (int) labels.stream().filter(l -> l >= 0).count();
            int rank = operands[i].ndim();
            boolean hasEllipsis = labels.contains(-1);
            if (hasEllipsis ? letters > rank : letters != rank) {
                throw new ShapeException("einsum: operand " + i + " has shape " + Shape.toString(operands[i].shape())
                        + " but its subscripts '" + inputs[i] + "' name " + letters + " dimension"
                        + (letters == 1 ? "" : "s") + (hasEllipsis ? " plus '...'" : "")
                        + "; give one letter per dimension");
            }
            ellipsisRank[i] = hasEllipsis ? rank - letters : 0;
            widest = Math.max(widest, ellipsisRank[i]);
            raw.add(labels);
        }
        // expand each '...' to the labels of the trailing ellipsis dimensions it covers
        List<List<Integer>> labels = new ArrayList<>();
        for (int i = 0; i < raw.size(); i++) {
            List<Integer> expanded = new ArrayList<>();
            for (int l : raw.get(i)) {
                if (l == -1) {
                    for (int j = widest - ellipsisRank[i]; j < widest; j++) {
                        expanded.add(ELLIPSIS_BASE + j);
                    }
                } else {
                    expanded.add(l);
                }
            }
            labels.add(expanded);
        }
        List<Integer> output = arrow >= 0
                ? explicitOutput(spec, s.substring(arrow + 2), labels, widest)
                : implicitOutput(labels, widest);

        Map<Integer, Integer> sizes = sizes(spec, operands, labels);
        DType t = operands[0].dtype();
        for (Array a : operands) {
            t = DType.promote(t, a.dtype());
        }
        DType work = t == DType.BOOL ? DType.INT32 : t;

        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < operands.length; i++) {
            Term term = diagonals(new Term(Lax.convert(operands[i], work), labels.get(i)));
            terms.add(stretch(term, sizes));
        }
        Term cur = terms.get(0);
        for (int i = 1; i < terms.size(); i++) {
            Set<Integer> keep = new LinkedHashSet<>(output);
            for (int j = i + 1; j < terms.size(); j++) {
                keep.addAll(terms.get(j).labels());
            }
            cur = contract(cur, terms.get(i), keep);
        }
        cur = sumExcept(cur, new LinkedHashSet<>(output));
        int[] perm = new int[output.size()];
        for (int i = 0; i < perm.length; i++) {
            perm[i] = cur.labels().indexOf(output.get(i));
        }
        Array r = Lax.transpose(cur.array(), perm);
        return t == DType.BOOL ? Lax.bind(Primitive.NE, r, Np.zerosLike(r)) : r;
    }

    /** Letters as their char codes, {@code -1} for an ellipsis. */
    private static List<Integer> parseTerm(String spec, String term) {
        List<Integer> out = new ArrayList<>();
        boolean ellipsis = false;
        for (int i = 0; i < term.length(); i++) {
            char c = term.charAt(i);
            if (c == '.') {
                if (!term.startsWith("...", i) || ellipsis) {
                    throw syntax(spec, "'" + term + "' has a '.' that is not part of a single '...'");
                }
                ellipsis = true;
                out.add(-1);
                i += 2;
            } else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                out.add((int) c);
            } else {
                throw syntax(spec, "'" + c + "' is not a subscript; use letters a-z, A-Z and '...'");
            }
        }
        return out;
    }

    private static List<Integer> explicitOutput(String spec, String term, List<List<Integer>> inputs, int widest) {
        List<Integer> out = new ArrayList<>();
        Set<Integer> seen = new LinkedHashSet<>();
        for (int l : parseTerm(spec, term)) {
            if (l == -1) {
                for (int j = 0; j < widest; j++) {
                    out.add(ELLIPSIS_BASE + j);
                }
                continue;
            }
            if (!seen.add(l)) {
                throw syntax(spec, "output subscript '" + (char) l + "' appears more than once");
            }
            if (inputs.stream().noneMatch(in -> in.contains(l))) {
                throw syntax(spec, "output subscript '" + (char) l + "' does not appear in any input");
            }
            out.add(l);
        }
        return out;
    }

    /** NumPy's implicit mode: the ellipsis dimensions, then the letters used exactly once, sorted. */
    private static List<Integer> implicitOutput(List<List<Integer>> inputs, int widest) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (List<Integer> in : inputs) {
            for (int l : in) {
                counts.merge(l, 1, Integer::sum);
            }
        }
        List<Integer> out = new ArrayList<>();
        for (int j = 0; j < widest; j++) {
            out.add(ELLIPSIS_BASE + j);
        }
        counts.entrySet().stream()
                .filter(e -> e.getValue() == 1 && e.getKey() < ELLIPSIS_BASE)
                .map(Map.Entry::getKey)
                .sorted()
                .forEach(out::add);
        return out;
    }

    /** The length of every label; a length of 1 broadcasts against a longer one. */
    private static Map<Integer, Integer> sizes(String spec, Array[] operands, List<List<Integer>> labels) {
        Map<Integer, Integer> sizes = new HashMap<>();
        Map<Integer, Integer> from = new HashMap<>();
        for (int i = 0; i < operands.length; i++) {
            int[] shape = operands[i].shape();
            List<Integer> ls = labels.get(i);
            for (int d = 0; d < shape.length; d++) {
                int l = ls.get(d);
                int first = ls.indexOf(l);
                if (first < d && shape[first] != shape[d]) {
                    throw new ShapeException("einsum: subscript " + name(l) + " repeats in operand " + i + " (shape "
                            + Shape.toString(shape) + ") over dimensions of lengths " + shape[first] + " and "
                            + shape[d] + "; taking a diagonal needs equal lengths");
                }
                Integer known = sizes.get(l);
                if (known == null || known == 1) {
                    sizes.put(l, known == null ? shape[d] : Math.max(known, shape[d]));
                    from.put(l, i);
                    if (known != null && shape[d] == 0) {
                        sizes.put(l, 0);
                    }
                } else if (shape[d] != known && shape[d] != 1) {
                    throw new ShapeException("einsum: subscript " + name(l) + " has length " + known + " in operand "
                            + from.get(l) + " but " + shape[d] + " in operand " + i + " (shape "
                            + Shape.toString(shape) + ") in \"" + spec + "\"; lengths must match or be 1");
                }
            }
        }
        return sizes;
    }

    private static String name(int label) {
        return label >= ELLIPSIS_BASE ? "'...' dimension " + (label - ELLIPSIS_BASE) : "'" + (char) label + "'";
    }

    /** Replaces every repeated label by the diagonal of its two dimensions. */
    private static Term diagonals(Term term) {
        List<Integer> ls = new ArrayList<>(term.labels());
        Array a = term.array();
        while (true) {
            int p = -1;
            int q = -1;
            for (int i = 0; i < ls.size() && p < 0; i++) {
                int j = ls.subList(i + 1, ls.size()).indexOf(ls.get(i));
                if (j >= 0) {
                    p = i;
                    q = i + 1 + j;
                }
            }
            if (p < 0) {
                return new Term(a, ls);
            }
            int rank = ls.size();
            int[] perm = new int[rank];
            List<Integer> next = new ArrayList<>();
            int k = 0;
            for (int i = 0; i < rank; i++) {
                if (i != p && i != q) {
                    perm[k++] = i;
                    next.add(ls.get(i));
                }
            }
            perm[k++] = p;
            perm[k] = q;
            int[] s = a.shape();
            int n = s[p];
            if (s[q] != n) {
                throw new ShapeException("einsum: subscript " + name(ls.get(p)) + " repeats in one operand over"
                        + " dimensions of lengths " + n + " and " + s[q] + "; a diagonal needs equal lengths");
            }
            int[] flat = new int[rank - 1];
            for (int i = 0; i < rank - 2; i++) {
                flat[i] = s[perm[i]];
            }
            flat[rank - 2] = n * n;
            Array moved = Lax.reshape(Lax.transpose(a, perm), flat);
            int[] start = new int[rank - 1];
            int[] limit = flat.clone();
            int[] strides = new int[rank - 1];
            Arrays.fill(strides, 1);
            strides[rank - 2] = n + 1;
            a = Lax.slice(moved, start, limit, strides);
            next.add(ls.get(p));
            ls = next;
        }
    }

    /** Broadcasts dimensions of length 1 whose label is longer elsewhere. */
    private static Term stretch(Term term, Map<Integer, Integer> sizes) {
        int[] s = term.array().shape();
        int[] target = s.clone();
        for (int d = 0; d < s.length; d++) {
            target[d] = sizes.get(term.labels().get(d));
        }
        if (Arrays.equals(s, target)) {
            return term;
        }
        return new Term(Lax.broadcastInDim(term.array(), target, Movement.identity(s.length)), term.labels());
    }

    private static Term sumExcept(Term term, Set<Integer> keep) {
        List<Integer> ls = term.labels();
        List<Integer> kept = new ArrayList<>();
        List<Integer> axes = new ArrayList<>();
        for (int d = 0; d < ls.size(); d++) {
            if (keep.contains(ls.get(d))) {
                kept.add(ls.get(d));
            } else {
                axes.add(d);
            }
        }
        if (axes.isEmpty()) {
            return term;
        }
        return new Term(
                Lax.reduceSum(
                        term.array(), axes.stream().mapToInt(Integer::intValue).toArray()),
                kept);
    }

    /** Contracts two terms, keeping the labels in {@code keep} and summing the shared rest. */
    private static Term contract(Term a, Term b, Set<Integer> keep) {
        Set<Integer> keepA = new LinkedHashSet<>(keep);
        keepA.addAll(b.labels());
        Set<Integer> keepB = new LinkedHashSet<>(keep);
        keepB.addAll(a.labels());
        Term x = sumExcept(a, keepA);
        Term y = sumExcept(b, keepB);
        List<Integer> lx = x.labels();
        List<Integer> ly = y.labels();
        List<Integer> batch = new ArrayList<>();
        List<Integer> summed = new ArrayList<>();
        for (int l : lx) {
            if (ly.contains(l)) {
                (keep.contains(l) ? batch : summed).add(l);
            }
        }
        int[] lb = batch.stream().mapToInt(lx::indexOf).toArray();
        int[] rb = batch.stream().mapToInt(ly::indexOf).toArray();
        int[] lc = summed.stream().mapToInt(lx::indexOf).toArray();
        int[] rc = summed.stream().mapToInt(ly::indexOf).toArray();
        List<Integer> out = new ArrayList<>(batch);
        lx.stream().filter(l -> !ly.contains(l)).forEach(out::add);
        ly.stream().filter(l -> !lx.contains(l)).forEach(out::add);
        return new Term(Lax.dotGeneral(x.array(), y.array(), lc, rc, lb, rb), out);
    }

    private static KilnException syntax(String spec, String why) {
        return new KilnException("einsum: cannot read \"" + spec + "\": " + why
                + "; write subscripts like \"ij,jk->ik\" (letters, optional '...', optional '->' output)");
    }
}
