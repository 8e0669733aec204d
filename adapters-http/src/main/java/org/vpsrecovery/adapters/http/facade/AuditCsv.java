package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.AuditEventStream;

/**
 * Audit events as RFC 4180 CSV (Commons CSV), produced as the HTTP layer reads: each read pulls a
 * few more rows from the database cursor, so an export of millions of events never sits in memory.
 *
 * <p>Cells are hostile text (descriptions come from callers). Commons CSV quotes what must be
 * quoted; a cell starting with {@code = + - @}, TAB or CR also gets a leading single quote so a
 * spreadsheet shows it as text instead of running it as a formula (OWASP "CSV injection"), which
 * no CSV library does for us.
 */
public final class AuditCsv extends ChunkedBody {

    public static final String MEDIA_TYPE = "text/csv";
    static final List<String> HEADER = List.of("sequence", "occurred_at", "team", "request_id", "operation",
            "server_id", "resource_type", "resource_id", "outcome", "reason_code", "cause", "provider_status",
            "name", "description", "detail", "actor_subject", "actor_authentication", "actor_key_id",
            "written_by_a_later_release");
    private static final CSVFormat FORMAT = CSVFormat.RFC4180;
    private static final JsonFactory JSON = new JsonFactory();
    private static final int ROWS_PER_CHUNK = 200;

    /** How the last line of an export stopped at an altered event begins (vpsr looks for it). */
    public static final String ALTERED_MARKER = "#AUDIT_EVENT_ALTERED: ";

    private final AuditEventStream events;
    private final StringBuilder rows = new StringBuilder();
    private final CSVPrinter printer = printer(rows);
    private boolean closed;
    /** The altered event the export stopped at, once its marker line is out. */
    private AuditEventAltered altered;

    public AuditCsv(AuditEventStream events) {
        this.events = events;
        print(printer, HEADER);
        byte[] header = takeRows();
        next(header, header.length);
    }

    /** Events read before the status line is sent: the store's first batch (1,000 events, ADR 0053). */
    static final int READ_AHEAD = 1_000;

    /**
     * Reads the export's first {@value #READ_AHEAD} events before the status line is sent, so that an event among them
     * that no longer reads as one ({@link AuditEventAltered}) is answered as a problem (409 AUDIT_EVENT_ALTERED), not as
     * a 200 cut short; the stream hands them back first, then reads on. The caller closes {@code events} when this
     * throws, the returned stream otherwise.
     */
    public static AuditEventStream readAhead(AuditEventStream events) {
        Deque<AuditHistoryEntry> ahead = new ArrayDeque<>();
        // The count checked first: reading one more would read the store's next batch before the status line too.
        while (ahead.size() < READ_AHEAD && events.hasNext()) {
            ahead.addLast(events.next());
        }
        return new AuditEventStream() {
            @Override
            public boolean hasNext() {
                return !ahead.isEmpty() || events.hasNext();
            }

            @Override
            public AuditHistoryEntry next() {
                return ahead.isEmpty() ? events.next() : ahead.removeFirst();
            }

            @Override
            public void close() {
                ahead.clear();
                events.close();
            }
        };
    }

    @Override
    protected boolean fill() throws IOException {
        if (altered != null) {
            // The marker line went out with the last chunk: now the body ends without its end.
            close();
            throw new IOException("the audit export stopped: " + altered.getMessage(), altered);
        }
        if (closed) {
            return false;
        }
        try {
            for (int i = 0; i < ROWS_PER_CHUNK && events.hasNext(); i++) {
                print(printer, AuditJsonMapper.csvRow(events.next()));
            }
        } catch (AuditEventAltered failure) {
            // The status line is long gone. The rows read before it go out with a last line no CSV row starts with,
            // saying why, for whoever keeps what arrived (curl -o keeps it); the next read breaks the body off, so no
            // HTTP client takes the export as whole (ADR 0005, amended in session 40).
            altered = failure;
            rows.append(ALTERED_MARKER).append(oneLine(FacadeProblems.detailOf(failure))).append("; this export is incomplete")
                    .append(FORMAT.getRecordSeparator());
            byte[] chunk = takeRows();
            next(chunk, chunk.length);
            return true;
        } catch (RuntimeException failure) {
            // The status line is long gone: the export ends short, and the client sees a broken body.
            close();
            throw new IOException("the audit export stopped: " + failure.getMessage(), failure);
        }
        if (rows.isEmpty()) {
            close();
            return false;
        }
        byte[] chunk = takeRows();
        next(chunk, chunk.length);
        return true;
    }

    private byte[] takeRows() {
        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
        rows.setLength(0);
        return bytes;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            events.close();
        }
    }

    /** Stored text (an altered row's value in the explanation) on one line: it cannot start a row of its own. */
    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    /** One record, CRLF included. */
    static String line(List<String> cells) {
        StringBuilder line = new StringBuilder();
        print(printer(line), cells);
        return line.toString();
    }

    /** One cell as it stands in a record. */
    static String cell(String value) {
        String line = line(Collections.singletonList(value));
        return line.substring(0, line.length() - FORMAT.getRecordSeparator().length());
    }

    /** The whole detail as one JSON object (in the map's order), so no fact is lost in the export. */
    static String detailText(Map<String, String> detail) {
        StringWriter json = new StringWriter();
        try (JsonGenerator out = JSON.createGenerator(json)) {
            out.writeStartObject();
            for (Map.Entry<String, String> entry : detail.entrySet()) {
                out.writeStringField(entry.getKey(), entry.getValue());
            }
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return json.toString();
    }

    /**
     * A cell a spreadsheet would run as a formula, made text; empty as absent (Commons CSV would quote it). A value that
     * itself starts with {@code '} is prefixed too, so dropping one leading {@code '} always gives the stored text.
     */
    private static String defused(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return "=+-@\t\r'".indexOf(value.charAt(0)) >= 0 ? "'" + value : value;
    }

    private static void print(CSVPrinter printer, List<String> cells) {
        try {
            printer.printRecord(cells.stream().map(AuditCsv::defused));
        } catch (IOException e) {
            throw new UncheckedIOException("printing CSV to a string cannot fail", e);
        }
    }

    private static CSVPrinter printer(Appendable out) {
        try {
            return new CSVPrinter(out, FORMAT);
        } catch (IOException e) {
            throw new UncheckedIOException("printing CSV to a string cannot fail", e);
        }
    }
}
