package org.vpsrecovery.adapters.http.facade;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.vpsrecovery.domain.port.AuditEventStream;

/**
 * Audit events as RFC 4180 CSV, produced as the HTTP layer reads: each read pulls a few more rows
 * from the database cursor, so an export of millions of events never sits in memory.
 *
 * <p>Cells are hostile text (descriptions come from callers): a cell holding a comma, quote, CR or
 * LF is quoted with inner quotes doubled, and a cell starting with {@code = + - @}, TAB or CR gets
 * a leading single quote so a spreadsheet shows it as text instead of running it as a formula
 * (OWASP "CSV injection").
 */
final class AuditCsv extends InputStream {

    static final String MEDIA_TYPE = "text/csv";
    static final List<String> HEADER = List.of("sequence", "occurred_at", "team", "request_id", "operation",
            "server_id", "resource_type", "resource_id", "outcome", "reason_code", "cause", "provider_status",
            "name", "description", "detail");
    private static final int ROWS_PER_CHUNK = 200;

    private final AuditEventStream events;
    private byte[] chunk;
    private int position;
    private boolean closed;

    AuditCsv(AuditEventStream events) {
        this.events = events;
        this.chunk = line(HEADER).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int read = read(one, 0, 1);
        return read < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        while (position >= chunk.length) {
            if (!fill()) {
                return -1;
            }
        }
        int count = Math.min(length, chunk.length - position);
        System.arraycopy(chunk, position, buffer, offset, count);
        position += count;
        return count;
    }

    private boolean fill() throws IOException {
        if (closed) {
            return false;
        }
        StringBuilder rows = new StringBuilder();
        try {
            for (int i = 0; i < ROWS_PER_CHUNK && events.hasNext(); i++) {
                rows.append(line(AuditJsonMapper.csvRow(events.next())));
            }
        } catch (RuntimeException failure) {
            // The status line is long gone: the export ends short, and the client sees a broken body.
            close();
            throw new IOException("the audit export stopped: " + failure.getMessage(), failure);
        }
        if (rows.isEmpty()) {
            close();
            return false;
        }
        chunk = rows.toString().getBytes(StandardCharsets.UTF_8);
        position = 0;
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            events.close();
        }
    }

    static String line(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cell(cells.get(i)));
        }
        return line.append("\r\n").toString();
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = "=+-@\t\r".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }

    /** The whole detail as one JSON object (sorted keys), so no fact is lost in the export. */
    static String detailText(Map<String, String> detail) {
        StringBuilder json = new StringBuilder("{");
        detail.forEach((key, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append(jsonString(key)).append(':').append(jsonString(value));
        });
        return json.append('}').toString();
    }

    private static String jsonString(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
