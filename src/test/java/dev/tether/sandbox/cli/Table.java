package dev.tether.sandbox.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table a person can read in a terminal. A cell wider than {@link #MAX} characters wraps onto further lines
 * at spaces (or mid-word when a word is longer than the column); nothing is cut.
 */
final class Table {
    static final int MAX = 90;
    private final String[] header;
    private final List<String[]> rows = new ArrayList<>();

    Table(String... header) {
        this.header = header;
    }

    void row(String... cells) {
        rows.add(cells);
    }

    void print(PrintStream out) {
        int[] w = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            w[i] = header[i].length();
            for (String[] r : rows) {
                w[i] = Math.min(MAX, Math.max(w[i], r[i] == null ? 0 : r[i].length()));
            }
        }
        line(out, header, w);
        for (String[] r : rows) {
            List<List<String>> wrapped = new ArrayList<>();
            int height = 1;
            for (int i = 0; i < r.length; i++) {
                List<String> parts = wrap(r[i] == null ? "" : r[i], w[i]);
                wrapped.add(parts);
                height = Math.max(height, parts.size());
            }
            for (int k = 0; k < height; k++) {
                String[] cells = new String[r.length];
                for (int i = 0; i < r.length; i++) {
                    cells[i] = k < wrapped.get(i).size() ? wrapped.get(i).get(k) : "";
                }
                line(out, cells, w);
            }
        }
    }

    static List<String> wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        String rest = text;
        while (rest.length() > width) {
            int cut = rest.lastIndexOf(' ', width);
            if (cut <= 0) {
                out.add(rest.substring(0, width));
                rest = rest.substring(width);
            } else {
                out.add(rest.substring(0, cut));
                rest = rest.substring(cut + 1);
            }
        }
        out.add(rest);
        return out;
    }

    private static void line(PrintStream out, String[] cells, int[] w) {
        StringBuilder sb = new StringBuilder("  ");
        for (int i = 0; i < cells.length; i++) {
            sb.append(String.format("%-" + w[i] + "s", cells[i] == null ? "" : cells[i]));
            if (i < cells.length - 1) {
                sb.append("  ");
            }
        }
        out.println(sb.toString().stripTrailing());
    }
}
