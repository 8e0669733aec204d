package org.vpsrecovery.domain.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The tamper-evidence chain over the audit history: {@code hash(n) = SHA-256(hash(n-1) || encoding(n))}
 * with {@link ChainHash#GENESIS} before the first event. Every store computes and checks the chain
 * with this class, so the in-memory history and the database agree byte for byte.
 *
 * <p>The canonical encoding (format {@value #FORMAT}) is a header line, then each field in a fixed
 * order as {@code <byte length>:<UTF-8 bytes>\n}, or {@code -\n} when absent. Length prefixes make
 * it unambiguous whatever the text holds. Fields: sequence, occurred-at (epoch microseconds), team,
 * request id, operation, server id, resource type, resource id, outcome kind, reason, cause,
 * provider status, number of detail entries, then each detail key and value sorted by key.
 * Changing any of this is a new format version, never an edit.
 */
public final class AuditChain {

    public static final String FORMAT = "vpsr-audit-v1";

    private AuditChain() {
    }

    /** Histories keep time to the microsecond (PostgreSQL's timestamptz resolution). */
    public static Instant storedInstant(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The event exactly as a history stores and returns it. */
    public static AuditEvent asStored(AuditEvent event) {
        Instant stored = storedInstant(event.occurredAt());
        if (stored.equals(event.occurredAt())) {
            return event;
        }
        return new AuditEvent(stored, event.team(), event.requestId(), event.operation(), event.server(),
                event.resource(), event.outcome(), event.providerStatus(), event.detail());
    }

    /** The hash of the event at {@code sequence}, chained to the hash before it. */
    public static ChainHash link(ChainHash previous, long sequence, AuditEvent event) {
        return link(previous, sequence, StoredParts.of(event));
    }

    /**
     * The hash of an event's stored parts at {@code sequence}, chained to the hash before it: the same bytes as the
     * event's, and known also for an event holding a name this release does not know (a later release wrote it), so
     * its verification can tell a sound hash from an altered one (ADR 0005, amended in session 48).
     */
    public static ChainHash link(ChainHash previous, long sequence, StoredParts parts) {
        Objects.requireNonNull(previous, "previous hash");
        Objects.requireNonNull(parts, "parts");
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        Encoder out = new Encoder();
        out.header();
        out.field(Long.toString(sequence));
        fieldsAfterSequence(out, parts);
        MessageDigest sha256 = sha256();
        sha256.update(previous.bytes());
        sha256.update(out.bytes());
        return ChainHash.of(sha256.digest());
    }

    /**
     * An event's parts as the encoding holds them: its names as text, whether or not this release knows them; null where
     * a part is absent.
     */
    public record StoredParts(Instant occurredAt, String team, String requestId, String operation, Long serverId,
                              String resourceType, Long resourceId, String outcomeKind, String outcomeReason,
                              String outcomeCause, Integer providerStatus, Map<String, String> detail) {
        public StoredParts {
            Objects.requireNonNull(occurredAt, "occurred at");
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(requestId, "request id");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(outcomeKind, "outcome kind");
            Objects.requireNonNull(detail, "detail");
        }

        public static StoredParts of(AuditEvent event) {
            Outcome outcome = event.outcome();
            return new StoredParts(event.occurredAt(), event.team().value(), event.requestId().value(),
                    event.operation().name(), event.server().map(s -> s.value()).orElse(null),
                    event.resource().map(r -> r.type().name()).orElse(null), event.resource().map(r -> r.id()).orElse(null),
                    outcome.kind().name(), outcome.reasonCode().map(Enum::name).orElse(null),
                    outcome.explanation().orElse(null),
                    event.providerStatus().isPresent() ? event.providerStatus().getAsInt() : null, event.detail());
        }
    }

    public static byte[] canonicalEncoding(long sequence, AuditEvent event) {
        Objects.requireNonNull(event, "event");
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        Encoder out = new Encoder();
        out.header();
        out.field(Long.toString(sequence));
        fieldsAfterSequence(out, StoredParts.of(event));
        return out.bytes();
    }

    /**
     * The canonical encoding's bytes after its sequence field: {@link #canonicalEncoding} is the header line, the
     * sequence's field ({@code <length>:<decimal digits>\n}, ASCII), then exactly these. A writer that learns the
     * sequence only where the chain's head is locked (in the database, ADR 0115) adds those two ASCII lines there and
     * hashes these bytes as they are: one encoder, the format unchanged.
     */
    public static byte[] encodingAfterSequence(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        Encoder out = new Encoder();
        fieldsAfterSequence(out, StoredParts.of(event));
        return out.bytes();
    }

    /**
     * The time as the encoding holds it, in epoch microseconds; {@link IllegalArgumentException} for a time beyond them,
     * which no event can have (a read of the history refuses such a row as the walk does: ADR 0005, session 40).
     */
    public static long epochMicros(Instant occurredAt) {
        Instant at = storedInstant(occurredAt);
        try {
            return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000L);
        } catch (ArithmeticException e) {
            // Only a row changed outside the application holds such a time (PostgreSQL's 'infinity'): say what it is.
            throw new IllegalArgumentException("occurred at " + at + " is beyond what epoch microseconds can hold", e);
        }
    }

    private static void fieldsAfterSequence(Encoder out, StoredParts event) {
        out.field(Long.toString(epochMicros(event.occurredAt())));
        out.field(event.team());
        out.field(event.requestId());
        out.field(event.operation());
        out.field(event.serverId() == null ? null : Long.toString(event.serverId()));
        out.field(event.resourceType());
        out.field(event.resourceId() == null ? null : Long.toString(event.resourceId()));
        out.field(event.outcomeKind());
        out.field(event.outcomeReason());
        out.field(event.outcomeCause());
        out.field(event.providerStatus() == null ? null : Integer.toString(event.providerStatus()));
        Map<String, String> sorted = new TreeMap<>(event.detail());
        out.field(Integer.toString(sorted.size()));
        sorted.forEach((key, value) -> {
            out.field(key);
            out.field(value);
        });
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime provides SHA-256", e);
        }
    }

    /**
     * Appends the encoding to a plain growable array: the walk over a whole history runs this for every
     * event, so no synchronised stream and no string building per field (ADR 0049). The bytes are as before.
     */
    private static final class Encoder {
        private static final byte[] HEADER = (FORMAT + "\n").getBytes(StandardCharsets.US_ASCII);
        private static final byte[] ABSENT = "-\n".getBytes(StandardCharsets.US_ASCII);

        private byte[] buffer = new byte[256];
        private int size;

        void header() {
            append(HEADER);
        }

        void field(String value) {
            if (value == null) {
                append(ABSENT);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            decimal(utf8.length);
            append((byte) ':');
            append(utf8);
            append((byte) '\n');
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, size);
        }

        private void decimal(int value) {
            if (value >= 10) {
                decimal(value / 10);
            }
            append((byte) ('0' + value % 10));
        }

        private void append(byte value) {
            room(1);
            buffer[size++] = value;
        }

        private void append(byte[] bytes) {
            room(bytes.length);
            System.arraycopy(bytes, 0, buffer, size, bytes.length);
            size += bytes.length;
        }

        private void room(int more) {
            if (size + more > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
            }
        }
    }
}
