package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.application.audit.VerifyAuditChainUseCase;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The audit reports' query parameters, checked strictly: an unknown or repeated parameter, a bad
 * value, a time that is not ISO-8601 UTC (or outside 1970-9999), an empty time range or a page size out of bounds is a 400
 * with its own reason code, never silently ignored (a typo in a filter must not widen a report).
 */
public final class AuditReportParameters {

    public static final int DEFAULT_PAGE_SIZE = 100;
    private static final String CURSOR_PREFIX = "before:";
    /** No audit event is older than the epoch: a range starting earlier reads the same events. */
    static final Instant EARLIEST_TIME = Instant.EPOCH;
    /** The last instant of a four-digit year. */
    static final Instant LATEST_TIME = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private final HttpRequest<?> request;

    private AuditReportParameters(HttpRequest<?> request) {
        this.request = request;
    }

    /** The request's parameters, refusing any not in {@code allowed} and any given twice. */
    public static AuditReportParameters of(HttpRequest<?> request, Set<String> allowed) {
        StrictQueryParameters.check(request, allowed);
        return new AuditReportParameters(request);
    }

    public Optional<String> text(String name) {
        return Optional.ofNullable(request.getParameters().get(name));
    }

    private <T> Optional<T> parsed(String name, Function<String, T> parse, String expected) {
        return text(name).map(raw -> {
            try {
                return parse.apply(raw);
            } catch (IllegalArgumentException e) {
                throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name, name + " must be " + expected);
            }
        });
    }

    public Optional<TeamId> team() {
        return parsed("team", TeamId::new, "a team id (lower-case letters, digits, inner hyphens)");
    }

    Optional<ServerId> serverId() {
        return text("server_id").map(raw -> new ServerId(
                RequestFields.parseId(raw, "server_id", RequestReason.INVALID_QUERY_PARAMETER)));
    }

    Optional<Instant> instant(String name) {
        return text(name).map(raw -> {
            try {
                OffsetDateTime at = OffsetDateTime.parse(raw, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                if (!at.getOffset().equals(ZoneOffset.UTC)) {
                    throw new InvalidRequest(RequestReason.INVALID_TIME_RANGE, name,
                            name + " must be in UTC, e.g. 2026-01-15T00:00:00Z");
                }
                Instant instant = at.toInstant();
                if (instant.isBefore(EARLIEST_TIME) || instant.isAfter(LATEST_TIME)) {
                    // Times are read as UTC days (java.sql.Date) by the database's day bounds (ADR 0077): a year
                    // PostgreSQL or the Julian calendar of java.sql.Date cannot take would be a 500, not the caller's 400.
                    throw new InvalidRequest(RequestReason.INVALID_TIME_RANGE, name, name + " must be between "
                            + EARLIEST_TIME + " and 9999-12-31T23:59:59Z");
                }
                return instant;
            } catch (DateTimeParseException e) {
                throw new InvalidRequest(RequestReason.INVALID_TIME_RANGE, name,
                        name + " must be an ISO-8601 UTC time, e.g. 2026-01-15T00:00:00Z");
            }
        });
    }

    /** {@code from} (inclusive) before {@code to} (exclusive), each optional. */
    public List<Optional<Instant>> timeRange() {
        Optional<Instant> from = instant("from");
        Optional<Instant> to = instant("to");
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            throw new InvalidRequest(RequestReason.INVALID_TIME_RANGE, "from", "from must be before to");
        }
        return List.of(from, to);
    }

    public AuditEventFilter eventFilter() {
        List<Optional<Instant>> range = timeRange();
        return new AuditEventFilter(team(), serverId(),
                parsed("operation", raw -> Operation.valueOf(raw.toUpperCase(Locale.ROOT)),
                        "one of " + names(Operation.values())).map(Set::of).orElse(Set.of()),
                parsed("outcome", raw -> Outcome.Kind.valueOf(raw.toUpperCase(Locale.ROOT)),
                        "one of " + names(Outcome.Kind.values())),
                parsed("reason_code", raw -> ReasonCode.valueOf(raw.toUpperCase(Locale.ROOT)), "a reason code"),
                range.get(0), range.get(1),
                parsed("request_id", RequestId::new, "a request id (1-128 of letters, digits and ._:/+=@-)"),
                parsed("actor", raw -> {
                    // The rule an actor was recorded under: a NUL or other control character never reaches the database.
                    if (!org.vpsrecovery.domain.audit.Actor.isPrintable(raw)) {
                        throw new IllegalArgumentException("not an actor's subject");
                    }
                    return raw;
                }, "an actor's subject (1-" + org.vpsrecovery.domain.audit.Actor.MAX_LENGTH + " printable characters)"));
    }

    public int limit() {
        return PageParameters.size(text("limit").orElse(null), AuditReports.MAX_PAGE, DEFAULT_PAGE_SIZE);
    }

    public OptionalLong cursor() {
        Optional<String> raw = text("cursor");
        if (raw.isEmpty()) {
            return OptionalLong.empty();
        }
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(raw.get()), StandardCharsets.UTF_8);
            if (decoded.startsWith(CURSOR_PREFIX) && decoded.substring(CURSOR_PREFIX.length()).matches("[0-9]{1,19}")) {
                long before = Long.parseLong(decoded.substring(CURSOR_PREFIX.length()));
                if (before > 0) {
                    return OptionalLong.of(before);
                }
            }
        } catch (IllegalArgumentException malformed) {
            // refused below, the same way as any other bad cursor
        }
        throw new InvalidRequest(RequestReason.INVALID_CURSOR, "cursor",
                "cursor must be the \"next\" value of a previous page, unchanged");
    }

    /** Opaque to clients: they pass back what they were given. */
    public static String cursorOf(long beforeSequence) {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((CURSOR_PREFIX + beforeSequence).getBytes(StandardCharsets.UTF_8));
    }

    public SummaryBucket bucket() {
        return parsed("bucket", raw -> SummaryBucket.valueOf(raw.toUpperCase(Locale.ROOT)), "day or month")
                .orElse(SummaryBucket.DAY);
    }

    /** Where the chain walk starts: {@code first} (default) or {@code latest-checkpoint} (ADR 0046). */
    public VerifyAuditChainUseCase.WalkStart walkStart() {
        return parsed("from", raw -> switch (raw) {
            case "first" -> VerifyAuditChainUseCase.WalkStart.FIRST_EVENT;
            case "latest-checkpoint" -> VerifyAuditChainUseCase.WalkStart.LATEST_CHECKPOINT;
            default -> throw new IllegalArgumentException(raw);
        }, "first or latest-checkpoint").orElse(VerifyAuditChainUseCase.WalkStart.FIRST_EVENT);
    }

    public int boundedInteger(String name, int min, int max, int fallback) {
        return text(name).map(raw -> {
            if (!raw.matches("[0-9]{1,4}") || Integer.parseInt(raw) < min || Integer.parseInt(raw) > max) {
                throw new InvalidRequest(RequestReason.INVALID_QUERY_PARAMETER, name,
                        name + " must be an integer " + min + "-" + max);
            }
            return Integer.parseInt(raw);
        }).orElse(fallback);
    }

    private static String names(Enum<?>[] values) {
        StringBuilder out = new StringBuilder();
        for (Enum<?> value : values) {
            out.append(out.isEmpty() ? "" : ", ").append(value.name().toLowerCase(Locale.ROOT));
        }
        return out.toString();
    }
}
