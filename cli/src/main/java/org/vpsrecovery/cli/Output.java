package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Prints an answer of the facade as a table (for people), JSON (the answer as the service gave it)
 * or CSV (one row per item, nested fields flattened as {@code server.id}).
 */
final class Output {

    enum Format { table, json, csv }

    private final PrintWriter out;
    /** Where what is not the answer goes (CSV's paging cursor): stdout stays what a parser of the format reads. */
    private final PrintWriter err;
    private final Format format;
    private final ObjectMapper json;

    Output(PrintWriter out, PrintWriter err, Format format, ObjectMapper json) {
        this.out = out;
        this.err = err;
        this.format = format;
        this.json = json;
    }

    Format format() {
        return format;
    }

    /** A list answer ({@code {"count", "results"}} or an array): one row per item, these columns first. */
    void rows(JsonNode answer, List<String> columns) {
        // Anything else (an empty body, a proxy's {"status": "ok"}) is not the service's list, not an empty one.
        if (!answer.isArray() && !answer.path("results").isArray()) {
            throw FacadeClient.NotTheServicesAnswer.notAList();
        }
        JsonNode items = answer.isArray() ? answer : answer.path("results");
        switch (format) {
            case json -> json(answer);
            case csv -> {
                csv(flatten(items), columns);
                // Not a row: on stderr, so a script reading stdout as CSV still learns there is another page.
                if (answer.hasNonNull("next")) {
                    err.println("more: --cursor " + answer.get("next").asText());
                    err.flush();
                }
            }
            case table -> {
                List<Map<String, String>> rows = flatten(items);
                if (rows.isEmpty()) {
                    out.println("(none)");
                } else {
                    table(rows, columns.isEmpty() ? allColumns(rows) : columns);
                }
                if (answer.hasNonNull("next")) {
                    out.println("more: --cursor " + answer.get("next").asText());
                }
            }
        }
        out.flush();
    }

    /**
     * One object: as a table, its plain fields as "field  value" lines, then each list inside it as a
     * table of its own under its name.
     */
    void object(JsonNode answer) {
        switch (format) {
            case json -> json(answer);
            case csv -> csv(flatten(List.of(answer)), List.of());
            case table -> {
                Map<String, String> fields = new LinkedHashMap<>();
                Map<String, JsonNode> lists = new LinkedHashMap<>();
                answer.fields().forEachRemaining(field -> {
                    if (field.getValue().isArray() && field.getValue().size() > 0 && field.getValue().get(0).isObject()) {
                        lists.put(field.getKey(), field.getValue());
                    } else {
                        flatten(field.getKey(), field.getValue(), fields);
                    }
                });
                int width = fields.keySet().stream().mapToInt(String::length).max().orElse(0);
                fields.forEach((name, value) -> out.println(pad(name, width) + "  " + value));
                lists.forEach((name, items) -> {
                    out.println();
                    out.println(name + ":");
                    List<Map<String, String>> rows = flatten(items);
                    table(rows, allColumns(rows));
                });
            }
        }
        out.flush();
    }

    private void json(JsonNode answer) {
        try {
            out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(answer));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void csv(List<Map<String, String>> rows, List<String> columns) {
        List<String> header = new ArrayList<>(new LinkedHashSet<>(columns));
        allColumns(rows).stream().filter(c -> !header.contains(c)).forEach(header::add);
        try {
            CSVPrinter printer = new CSVPrinter(out, CSVFormat.RFC4180.builder().setHeader(header.toArray(String[]::new)).get());
            for (Map<String, String> row : rows) {
                printer.printRecord(header.stream().map(c -> defused(row.getOrDefault(c, ""))).toList());
            }
            printer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A cell a spreadsheet would run as a formula, made text, as the service's own CSV export does (OWASP "CSV
     * injection"): names and descriptions are written by callers.
     */
    static String defused(String value) {
        return !value.isEmpty() && "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    private void table(List<Map<String, String>> rows, List<String> columns) {
        int[] widths = new int[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            widths[i] = columns.get(i).length();
            for (Map<String, String> row : rows) {
                widths[i] = Math.max(widths[i], row.getOrDefault(columns.get(i), "").length());
            }
        }
        out.println(line(columns.stream().map(c -> c.toUpperCase(java.util.Locale.ROOT)).toList(), widths));
        for (Map<String, String> row : rows) {
            out.println(line(columns.stream().map(c -> row.getOrDefault(c, "")).toList(), widths));
        }
    }

    private static String line(List<String> cells, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            line.append(i == cells.size() - 1 ? cells.get(i) : pad(cells.get(i), widths[i]) + "  ");
        }
        return line.toString().stripTrailing();
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(Math.max(0, width - text.length()));
    }

    private static List<String> allColumns(List<Map<String, String>> rows) {
        Set<String> columns = new LinkedHashSet<>();
        rows.forEach(row -> columns.addAll(row.keySet()));
        return new ArrayList<>(columns);
    }

    private static List<Map<String, String>> flatten(Iterable<JsonNode> items) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (JsonNode item : items) {
            Map<String, String> row = new LinkedHashMap<>();
            if (item.isObject()) {
                item.fields().forEachRemaining(field -> flatten(field.getKey(), field.getValue(), row));
            } else {
                row.put("value", item.asText());
            }
            rows.add(row);
        }
        return rows;
    }

    private static void flatten(String name, JsonNode value, Map<String, String> row) {
        if (value.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
            if (!fields.hasNext()) {
                row.put(name, "");
            }
            fields.forEachRemaining(field -> flatten(name + "." + field.getKey(), field.getValue(), row));
        } else if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(element -> parts.add(element.isValueNode() ? element.asText() : "{...}"));
            row.put(name, String.join(",", parts));
        } else {
            row.put(name, value.isNull() ? "" : value.asText());
        }
    }
}
