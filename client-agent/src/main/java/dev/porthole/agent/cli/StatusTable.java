package dev.porthole.agent.cli;

import dev.porthole.agent.config.TunnelEntry;
import dev.porthole.protocol.message.TunnelResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Tables on the console: the one {@code porthole start} prints once connected (a row per granted tunnel), and {@code porthole status}'s. */
final class StatusTable {

    private static final List<String> HEADER = List.of("NAME", "TYPE", "ADDRESS", "UPSTREAM");

    private StatusTable() {}

    /** The table's lines; {@code results} answer {@code entries} in the same order. */
    static List<String> lines(List<TunnelEntry> entries, List<TunnelResult> results) {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (int i = 0; i < results.size() && i < entries.size(); i++) {
            TunnelResult result = results.get(i);
            if (!result.granted()) {
                continue;
            }
            TunnelEntry entry = entries.get(i);
            String address = result.publicAddress().isEmpty()
                    ? "private: porthole connect " + result.name()
                    : result.publicAddress();
            rows.add(List.of(
                    entry.label(),
                    entry.spec().kind().name().toLowerCase(Locale.ROOT),
                    address,
                    entry.spec().upstream().toString()));
        }
        return align(rows);
    }

    /** Rows as lines whose columns line up, two spaces apart. */
    static List<String> align(List<List<String>> rows) {
        int[] widths = new int[rows.get(0).size()];
        for (List<String> row : rows) {
            for (int column = 0; column < row.size(); column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        List<String> lines = new ArrayList<>();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < row.size(); column++) {
                String cell = row.get(column);
                line.append(cell);
                if (column < row.size() - 1) {
                    line.append(" ".repeat(widths[column] - cell.length() + 2));
                }
            }
            lines.add(line.toString());
        }
        return lines;
    }
}
