package org.vpsrecovery.adapters.http.facade;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.vpsrecovery.adapters.http.facade.AuditJson.SummaryJson;
import org.vpsrecovery.application.audit.AuditReadSlots;
import org.vpsrecovery.domain.report.AuditSummary;

/**
 * A summary's JSON ({@link SummaryJson}'s shape, written by Jackson's streaming generator), produced a few
 * hundred counts at a time as the HTTP layer reads (ADR 0064). A year by day over every team is ~400,000
 * counts, ~50 MB of JSON: written as one body it was encoded into one buffer reallocated (and zeroed) as it
 * grew, and each count became a record first. Only a chunk of bytes is held here; the summary's audit-read
 * slot (ADR 0062) stays taken until the answer is written or its client goes away, so the slots still bound
 * how many answers an instance holds in memory. An answer of at most {@value #WHOLE_BODY_COUNTS} counts is made
 * whole instead ({@link #whole}, ADR 0078).
 */
public final class AuditSummaryJson extends ChunkedBody {

    private static final JsonFactory JSON = new JsonFactory();
    /** ~120 bytes a count: chunks of ~60 KB. */
    private static final int COUNTS_PER_CHUNK = 500;
    private static final SerializedString BUCKET_START = new SerializedString("bucket_start");
    private static final SerializedString TEAM = new SerializedString("team");
    private static final SerializedString OPERATION = new SerializedString("operation");
    private static final SerializedString OUTCOME = new SerializedString("outcome");
    private static final SerializedString EVENTS = new SerializedString("events");

    /**
     * Up to this many counts (~2.4 MB of JSON) the answer is made whole and sent as one body (ADR 0078): streamed, a
     * summary is read by the HTTP layer 8 KB at a time, each read a hand-off to another thread (ADR 0064), ~130 for a
     * year by day summed over the teams (1 MB), which made it 4x slower over HTTP than in the service.
     */
    static final int WHOLE_BODY_COUNTS = 20_000;

    private final AuditReadSlots.Held<AuditSummary> held;
    private final List<AuditSummary.Count> counts;
    private final Chunk chunk = new Chunk();
    private final JsonGenerator out;
    private int written;
    private boolean ended;
    private boolean closed;
    private Instant bucket;
    private SerializedString bucketText;

    public AuditSummaryJson(AuditReadSlots.Held<AuditSummary> held) {
        this.held = held;
        this.counts = held.value().counts();
        try {
            this.out = JSON.createGenerator(chunk);
            head(held.value());
            out.flush();
            next(chunk.bytes(), chunk.size());
        } catch (IOException e) {
            held.close();
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }

    /** Whether the answer is small enough to be made whole and sent as one body. */
    static boolean fitsOneBody(AuditSummary summary) {
        return summary.counts().size() <= WHOLE_BODY_COUNTS;
    }

    /** The whole answer, the same bytes the stream gives; its slot is given back once it is made. */
    static byte[] whole(AuditReadSlots.Held<AuditSummary> held) {
        try (AuditSummaryJson json = new AuditSummaryJson(held)) {
            return json.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to memory cannot fail", e);
        }
    }

    /** The next counts (or the answer's end) into the chunk; false once everything was written. */
    @Override
    protected boolean fill() throws IOException {
        if (closed || ended) {
            close();
            return false;
        }
        chunk.reset();
        int until = Math.min(counts.size(), written + COUNTS_PER_CHUNK);
        for (; written < until; written++) {
            count(counts.get(written));
        }
        if (written == counts.size()) {
            tail(held.value());
            ended = true;
        }
        out.flush();
        next(chunk.bytes(), chunk.size());
        return true;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            held.close();
        }
    }

    private void head(AuditSummary summary) throws IOException {
        var query = summary.query();
        out.writeStartObject();
        out.writeStringField("from", query.from().toString());
        out.writeStringField("to", query.to().toString());
        out.writeStringField("bucket", query.bucket().name().toLowerCase(Locale.ROOT));
        out.writeStringField("team", query.team().map(t -> t.value()).orElse(null));
        out.writeBooleanField("per_team", query.perTeam());
        out.writeArrayFieldStart("counts");
    }

    private void count(AuditSummary.Count count) throws IOException {
        // The counts come by bucket (COUNT_ORDER): a bucket's text is made once, not once per count.
        if (!count.bucketStart().equals(bucket)) {
            bucket = count.bucketStart();
            bucketText = new SerializedString(bucket.toString());
        }
        out.writeStartObject();
        out.writeFieldName(BUCKET_START);
        out.writeString(bucketText);
        out.writeFieldName(TEAM);
        if (count.team().isPresent()) {
            out.writeString(count.team().get().value());
        } else {
            out.writeNull();
        }
        out.writeFieldName(OPERATION);
        out.writeString(count.operation().name());
        out.writeFieldName(OUTCOME);
        out.writeString(count.outcome().name());
        out.writeFieldName(EVENTS);
        out.writeNumber(count.events());
        out.writeEndObject();
    }

    private void tail(AuditSummary summary) throws IOException {
        out.writeEndArray();
        out.writeArrayFieldStart("top_rejection_reasons");
        for (AuditSummary.ReasonCount reason : summary.topRejections()) {
            out.writeStartObject();
            out.writeStringField("reason_code", reason.reason().name());
            out.writeNumberField("events", reason.events());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeObjectFieldStart("provider_calls");
        out.writeNumberField("total", summary.providerCalls());
        out.writeNumberField("failed", summary.providerFailures());
        out.writeNumberField("failure_rate", Math.round(summary.providerFailureRate() * 10_000) / 10_000.0);
        out.writeEndObject();
        // Events of names this release does not know, a later release's (ADR 0005, amended in session 49): counted
        // apart under their names as stored, not among the counts above.
        out.writeArrayFieldStart("written_by_a_later_release");
        for (AuditSummary.LaterReleaseCount later : summary.laterReleaseCounts()) {
            out.writeStartObject();
            out.writeStringField("bucket_start", later.bucketStart().toString());
            out.writeStringField("team", later.team().map(t -> t.value()).orElse(null));
            out.writeStringField("operation", later.operation());
            out.writeStringField("outcome", later.outcome());
            out.writeNumberField("events", later.events());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** The bytes written since the last reset, read in place. */
    private static final class Chunk extends ByteArrayOutputStream {
        Chunk() {
            super(COUNTS_PER_CHUNK * 128);
        }

        byte[] bytes() {
            return buf;
        }
    }
}
