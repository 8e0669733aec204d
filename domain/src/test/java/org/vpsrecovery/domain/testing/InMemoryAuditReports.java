package org.vpsrecovery.domain.testing;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.RestoreRequested;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/** Reports computed from an {@link InMemoryAuditHistory}, by brute force: the reference for the contract. */
public final class InMemoryAuditReports implements AuditReports {

    private final InMemoryAuditHistory history;
    private int openStreams;

    public InMemoryAuditReports(InMemoryAuditHistory history) {
        this.history = Objects.requireNonNull(history, "history");
    }

    private List<RecordedAuditEvent> newestFirst(AuditEventFilter filter) {
        return history.recorded().stream().filter(filter::matches)
                .sorted(Comparator.comparingLong(RecordedAuditEvent::sequence).reversed()).toList();
    }

    @Override
    public AuditEventPage page(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        AuditReports.requirePageLimit(limit);
        return AuditEventPage.of(newestFirst(filter).stream()
                .filter(e -> beforeSequence.isEmpty() || e.sequence() < beforeSequence.getAsLong())
                .limit(limit + 1L).map(this::entry).toList(), limit);
    }

    /** The event as the database's reports read it ({@link InMemoryAuditHistory#entry}). */
    private AuditHistoryEntry entry(RecordedAuditEvent recorded) {
        return history.entry(recorded);
    }

    @Override
    public synchronized AuditEventStream stream(AuditEventFilter filter) {
        Iterator<RecordedAuditEvent> events = newestFirst(filter).iterator();
        openStreams++;
        return new AuditEventStream() {
            private boolean closed;

            @Override
            public boolean hasNext() {
                return !closed && events.hasNext();
            }

            @Override
            public AuditHistoryEntry next() {
                return entry(events.next());
            }

            @Override
            public void close() {
                synchronized (InMemoryAuditReports.this) {
                    if (!closed) {
                        closed = true;
                        openStreams--;
                    }
                }
            }
        };
    }

    /** Streams opened and not yet closed (tests check that readers close them). */
    public synchronized int openStreams() {
        return openStreams;
    }

    @Override
    public AuditSummary summarize(SummaryQuery query) {
        List<AuditEvent> events = history.recorded().stream().map(RecordedAuditEvent::event)
                .filter(e -> query.team().map(e.team()::equals).orElse(true))
                .filter(e -> !e.occurredAt().isBefore(query.from()) && e.occurredAt().isBefore(query.to()))
                .toList();
        record Key(Instant bucket, Optional<org.vpsrecovery.domain.common.TeamId> team, Operation operation,
                   Outcome.Kind outcome) {
        }
        Map<Key, Long> counts = events.stream().collect(Collectors.groupingBy(
                e -> new Key(bucketStart(e.occurredAt(), query.bucket()),
                        query.overTeams() ? Optional.empty() : Optional.of(e.team()), e.operation(), e.outcome().kind()),
                LinkedHashMap::new, Collectors.counting()));
        List<AuditSummary.Count> rows = counts.entrySet().stream().map(c -> new AuditSummary.Count(c.getKey().bucket(),
                c.getKey().team(), c.getKey().operation(), c.getKey().outcome(), c.getValue())).toList();
        List<AuditSummary.ReasonCount> reasons = events.stream()
                .filter(e -> e.outcome() instanceof Outcome.Rejected)
                .collect(Collectors.groupingBy(e -> ((Outcome.Rejected) e.outcome()).reason(), Collectors.counting()))
                .entrySet().stream().map(r -> new AuditSummary.ReasonCount(r.getKey(), r.getValue())).toList();
        long calls = events.stream()
                .filter(e -> AuditSummary.isProviderAnswer(e.outcome().kind(), e.outcome().reasonCode())).count();
        long failures = events.stream()
                .filter(e -> AuditSummary.isProviderFailure(e.outcome().kind(), e.outcome().reasonCode())).count();
        return new AuditSummary(query, rows, reasons, calls, failures);
    }

    static Instant bucketStart(Instant at, SummaryBucket bucket) {
        ZonedDateTime utc = at.atZone(ZoneOffset.UTC).truncatedTo(ChronoUnit.DAYS);
        return (bucket == SummaryBucket.MONTH ? utc.withDayOfMonth(1) : utc).toInstant();
    }

    @Override
    public Map<ServerId, RecoveryActivity> recoveryActivity(Set<ServerId> servers, Optional<TeamId> byTeam) {
        List<AuditEvent> completed = history.recorded().stream().map(RecordedAuditEvent::event)
                .filter(e -> e.outcome().kind() == Outcome.Kind.COMPLETED && e.server().isPresent())
                .filter(e -> byTeam.isEmpty() || byTeam.get().equals(e.team())).toList();
        return servers.stream().collect(Collectors.toMap(Function.identity(), server -> new RecoveryActivity(server,
                latest(completed, server, false), latest(completed, server, true), lastRestoreRequested(server, byTeam))));
    }

    /** The newest restore intent on the server (by time, then sequence) and its attempt's first final outcome. */
    private Optional<RestoreRequested> lastRestoreRequested(ServerId server, Optional<TeamId> byTeam) {
        List<RecordedAuditEvent> recorded = history.recorded();
        return recorded.stream()
                .filter(r -> r.event().outcome().kind() == Outcome.Kind.ACCEPTED && r.event().operation().isRestore()
                        && r.event().server().equals(Optional.of(server))
                        && (byTeam.isEmpty() || byTeam.get().equals(r.event().team())))
                .max(Comparator.comparing((RecordedAuditEvent r) -> r.event().occurredAt())
                        .thenComparingLong(RecordedAuditEvent::sequence))
                .map(intent -> {
                    Optional<Outcome> end = recorded.stream()
                            .filter(r -> r.sequence() > intent.sequence() && r.event().sameAttemptAs(intent.event())
                                    && r.event().outcome().kind().settlesAttempt())
                            .min(Comparator.comparingLong(RecordedAuditEvent::sequence))
                            .map(r -> r.event().outcome());
                    return new RestoreRequested(intent.event().occurredAt(), RestoreRequested.Ending.of(
                            end.map(Outcome::kind), end.flatMap(Outcome::reasonCode).map(Enum::name)));
                });
    }

    private static Optional<Instant> latest(List<AuditEvent> completed, ServerId server, boolean restore) {
        return completed.stream()
                .filter(e -> e.server().get().equals(server))
                .filter(e -> restore ? e.operation().isRestore()
                        : e.operation() == Operation.CREATE_SNAPSHOT || e.operation() == Operation.CREATE_MANUAL_BACKUP)
                .map(AuditEvent::occurredAt).max(Comparator.naturalOrder());
    }
}
