package org.vpsrecovery.adapters.persistence;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The audit reports over {@code audit_event}, read-only, through Micronaut Data
 * ({@link AuditEventRowRepository}). Each query is shaped for an index of migration V4 (see
 * docs/adr/0020): pages walk an index ending in {@code sequence} backwards, the summary groups an
 * index-only scan of the period, the recovery activity takes one index probe per server and operation.
 */
public final class JdbcAuditReports implements AuditReports {

    /** Rows per round trip when streaming: bounds memory whatever the export's size. */
    static final int STREAM_BATCH = 1000;

    private final AuditEventRows rows;

    public JdbcAuditReports(AuditEventRows rows) {
        this.rows = Objects.requireNonNull(rows, "rows");
    }

    @Override
    public AuditEventPage page(AuditEventFilter filter, OptionalLong beforeSequence, int limit) {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(beforeSequence, "before sequence");
        AuditReports.requirePageLimit(limit);
        // One row more than the page: whether it exists says if there is a next page.
        return AuditEventPage.of(rows.page(filter, beforeSequence, limit + 1), limit);
    }

    /**
     * Keyset batches of the same filtered query, each older than the last one read. Sequences become
     * visible in order (each batch commits under the chain head lock) and rows never change, so the
     * batches read exactly what one snapshot taken at the first batch would, without holding a
     * connection or a transaction between reads.
     */
    @Override
    public AuditEventStream stream(AuditEventFilter filter) {
        Objects.requireNonNull(filter, "filter");
        return new KeysetStream(filter);
    }

    private final class KeysetStream implements AuditEventStream {
        private final AuditEventFilter filter;
        private final Deque<RecordedAuditEvent> batch = new ArrayDeque<>();
        private OptionalLong before = OptionalLong.empty();
        private boolean exhausted;

        KeysetStream(AuditEventFilter filter) {
            this.filter = filter;
        }

        @Override
        public boolean hasNext() {
            if (batch.isEmpty() && !exhausted) {
                List<RecordedAuditEvent> next = rows.page(filter, before, STREAM_BATCH);
                batch.addAll(next);
                exhausted = next.size() < STREAM_BATCH;
                if (!next.isEmpty()) {
                    before = OptionalLong.of(next.getLast().sequence());
                }
            }
            return !batch.isEmpty();
        }

        @Override
        public RecordedAuditEvent next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more audit events");
            }
            return batch.removeFirst();
        }

        @Override
        public void close() {
            exhausted = true;
            batch.clear();
        }
    }

    /**
     * Whole UTC months (by month) and whole UTC days from the pre-aggregates (V28, ADR 0046), the
     * partial days at the period's edges from the events; a period within one day's span reads only
     * events. The counts of the parts are summed in {@link #fold}, so the answer is the one a
     * recomputation over the events gives.
     */
    @Override
    public AuditSummary summarize(SummaryQuery query) {
        Objects.requireNonNull(query, "query");
        String unit = unit(query);
        LocalDate firstWholeDay = utcDay(query.from());
        if (firstWholeDay.atStartOfDay(ZoneOffset.UTC).toInstant().isBefore(query.from())) {
            firstWholeDay = firstWholeDay.plusDays(1);
        }
        LocalDate endOfWholeDays = utcDay(query.to());
        Instant wholeFrom = firstWholeDay.atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant wholeTo = endOfWholeDays.atStartOfDay(ZoneOffset.UTC).toInstant();
        List<AuditEventRowRepository.SummaryRow> groups = new ArrayList<>();
        if (!wholeFrom.isBefore(wholeTo)) {
            groups.addAll(rows.summary(unit, query.from(), query.to(), query.team()));
            return fold(query, groups);
        }
        if (query.from().isBefore(wholeFrom)) {
            groups.addAll(rows.summary(unit, query.from(), wholeFrom, query.team()));
        }
        LocalDate firstWholeMonth = firstWholeDay.withDayOfMonth(1);
        if (firstWholeMonth.isBefore(firstWholeDay)) {
            firstWholeMonth = firstWholeMonth.plusMonths(1);
        }
        LocalDate endOfWholeMonths = endOfWholeDays.withDayOfMonth(1);
        if (query.bucket() == SummaryBucket.MONTH && firstWholeMonth.isBefore(endOfWholeMonths)) {
            groups.addAll(days(unit, firstWholeDay, firstWholeMonth, query));
            groups.addAll(rows.monthlySummary(firstWholeMonth, endOfWholeMonths, query.team()));
            groups.addAll(days(unit, endOfWholeMonths, endOfWholeDays, query));
        } else {
            groups.addAll(days(unit, firstWholeDay, endOfWholeDays, query));
        }
        if (wholeTo.isBefore(query.to())) {
            groups.addAll(rows.summary(unit, wholeTo, query.to(), query.team()));
        }
        return fold(query, groups);
    }

    private List<AuditEventRowRepository.SummaryRow> days(String unit, LocalDate from, LocalDate to,
                                                          SummaryQuery query) {
        return from.isBefore(to) ? rows.dailySummary(unit, from, to, query.team()) : List.of();
    }

    /** The date_trunc unit of the query's buckets; never caller text. */
    static String unit(SummaryQuery query) {
        return switch (query.bucket()) {
            case DAY -> "day";
            case MONTH -> "month";
        };
    }

    private static LocalDate utcDay(Instant instant) {
        return LocalDate.ofInstant(instant, ZoneOffset.UTC);
    }

    /** The summary of grouped counts; groups may repeat (a month read from days and edges) and are summed. */
    static AuditSummary fold(SummaryQuery query, List<AuditEventRowRepository.SummaryRow> groups) {
        record Key(Instant bucket, TeamId team, Operation operation, Outcome.Kind outcome) {
        }
        Map<Key, Long> counts = new HashMap<>();
        // A team id is checked once per team, not once per row: a year by day is ~400,000 rows.
        Map<String, TeamId> teams = new HashMap<>();
        Map<ReasonCode, Long> rejections = new EnumMap<>(ReasonCode.class);
        long calls = 0;
        long failures = 0;
        for (AuditEventRowRepository.SummaryRow group : groups) {
            Outcome.Kind kind = Outcome.Kind.valueOf(group.outcomeKind());
            Optional<ReasonCode> reason = Optional.ofNullable(group.outcomeReason()).map(ReasonCode::valueOf);
            counts.merge(new Key(group.bucket(), teams.computeIfAbsent(group.team(), TeamId::new),
                    Operation.valueOf(group.operation()), kind),
                    group.events(), Long::sum);
            if (kind == Outcome.Kind.REJECTED) {
                rejections.merge(reason.orElseThrow(), group.events(), Long::sum);
            }
            calls += AuditSummary.isProviderAnswer(kind, reason) ? group.events() : 0;
            failures += AuditSummary.isProviderFailure(kind, reason) ? group.events() : 0;
        }
        return new AuditSummary(query,
                counts.entrySet().stream().map(c -> new AuditSummary.Count(c.getKey().bucket(), c.getKey().team(),
                        c.getKey().operation(), c.getKey().outcome(), c.getValue())).toList(),
                rejections.entrySet().stream().map(r -> new AuditSummary.ReasonCount(r.getKey(), r.getValue())).toList(),
                calls, failures);
    }

    @Override
    public Map<ServerId, RecoveryActivity> recoveryActivity(Set<ServerId> servers) {
        Objects.requireNonNull(servers, "servers");
        if (servers.isEmpty()) {
            return Map.of();
        }
        List<AuditEventRowRepository.ActivityRow> found =
                rows.recoveryActivity(servers.stream().map(ServerId::value).sorted().toList());
        Map<ServerId, RecoveryActivity> activity = new HashMap<>();
        for (AuditEventRowRepository.ActivityRow row : found) {
            ServerId server = new ServerId(row.serverId());
            activity.put(server, new RecoveryActivity(server, Optional.ofNullable(row.lastCreate()),
                    Optional.ofNullable(row.lastRestore())));
        }
        return activity;
    }
}
