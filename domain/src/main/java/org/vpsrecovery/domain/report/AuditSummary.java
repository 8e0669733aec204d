package org.vpsrecovery.domain.report;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Counts of audit events over a period: per bucket (start of the UTC day or month) x team x
 * operation x outcome, or, summed over every team, per bucket x operation x outcome (no team, ADR 0078); the most frequent rejection reasons; and how often calls to the provider
 * failed. A provider call is the immediate answer to one call to VPS.org ({@link #isProviderAnswer}): {@code SUBMITTED},
 * {@code UNRESOLVED}, or {@code FAILED} with a provider reason; a failure is one of the last two. Outcomes tracking
 * establishes later ({@code COMPLETED}, {@code UNVERIFIABLE}) are no call (ADR 0024).
 */
public record AuditSummary(SummaryQuery query, List<Count> counts, List<ReasonCount> topRejections,
                           long providerCalls, long providerFailures, List<LaterReleaseCount> laterReleaseCounts) {

    /** A summary without events a later release wrote. */
    public AuditSummary(SummaryQuery query, List<Count> counts, List<ReasonCount> topRejections, long providerCalls,
                        long providerFailures) {
        this(query, counts, topRejections, providerCalls, providerFailures, List.of());
    }

    /**
     * Events of a group holding a name this release does not know (a later release wrote them: ADR 0005, amended in
     * session 49), counted apart under their names as stored, never dropped and never counted as a known kind. Reasons
     * are summed apart from the operation (the day counts by reason hold none): a known outcome and reason counts among
     * the rejections and the provider's answers as any; an outcome or reason this release does not know does not.
     * {@code team} is empty in a summary summed over every team.
     */
    public record LaterReleaseCount(Instant bucketStart, Optional<TeamId> team, String operation, String outcome,
                                    long events) {
        public LaterReleaseCount {
            Objects.requireNonNull(bucketStart, "bucket start");
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(outcome, "outcome");
            if (events <= 0) {
                throw new IllegalArgumentException("a count is positive");
            }
        }
    }

    /** The canonical order of the later release's counts. */
    public static final Comparator<LaterReleaseCount> LATER_RELEASE_ORDER = Comparator
            .comparing(LaterReleaseCount::bucketStart).thenComparing(c -> c.team().map(TeamId::value).orElse(""))
            .thenComparing(LaterReleaseCount::operation).thenComparing(LaterReleaseCount::outcome);

    /** {@code team} is empty in a summary summed over every team. */
    public record Count(Instant bucketStart, Optional<TeamId> team, Operation operation, Outcome.Kind outcome,
                        long events) {
        public Count {
            Objects.requireNonNull(bucketStart, "bucket start");
            Objects.requireNonNull(team, "team");
            Objects.requireNonNull(operation, "operation");
            Objects.requireNonNull(outcome, "outcome");
            if (events <= 0) {
                throw new IllegalArgumentException("a count is positive");
            }
        }

        /** One team's count. */
        public Count(Instant bucketStart, TeamId team, Operation operation, Outcome.Kind outcome, long events) {
            this(bucketStart, Optional.of(team), operation, outcome, events);
        }
    }

    public record ReasonCount(ReasonCode reason, long events) {
        public ReasonCount {
            Objects.requireNonNull(reason, "reason");
            if (events <= 0) {
                throw new IllegalArgumentException("a count is positive");
            }
        }
    }

    /** The canonical order, so every store answers the same summary identically. */
    public static final Comparator<Count> COUNT_ORDER = Comparator.comparing(Count::bucketStart)
            .thenComparing(c -> c.team().map(TeamId::value).orElse("")).thenComparing(Count::operation).thenComparing(Count::outcome);
    public static final Comparator<ReasonCount> REASON_ORDER = Comparator.comparingLong(ReasonCount::events).reversed()
            .thenComparing(r -> r.reason().name());

    public AuditSummary {
        Objects.requireNonNull(query, "query");
        counts = counts.stream().sorted(COUNT_ORDER).toList();
        if (counts.stream().anyMatch(c -> c.team().isEmpty() != query.overTeams())) {
            throw new IllegalArgumentException("counts name their team unless summed over every team");
        }
        laterReleaseCounts = laterReleaseCounts.stream().sorted(LATER_RELEASE_ORDER).toList();
        if (laterReleaseCounts.stream().anyMatch(c -> c.team().isEmpty() != query.overTeams())) {
            throw new IllegalArgumentException("counts name their team unless summed over every team");
        }
        topRejections = topRejections.stream().sorted(REASON_ORDER).limit(query.topReasons()).toList();
        if (providerCalls < 0 || providerFailures < 0 || providerFailures > providerCalls) {
            throw new IllegalArgumentException("provider failures are some of the provider calls");
        }
    }

    /**
     * The outcomes whose reasons a summary reads: the rejections ranked by reason, and the provider's answers and
     * failures ({@link #isProviderAnswer}). The day counts by reason keep only these (V51, ADR 0116); a summary's
     * reasons of any other outcome would read nothing there.
     */
    public static final Set<Outcome.Kind> REASONS_READ = Collections.unmodifiableSet(EnumSet.of(Outcome.Kind.REJECTED,
            Outcome.Kind.SUBMITTED, Outcome.Kind.FAILED, Outcome.Kind.UNRESOLVED));

    /**
     * Whether events of this kind and reason are the immediate answer to one call to VPS.org: it took
     * it (SUBMITTED), its answer was lost (UNRESOLVED), or it refused or failed it (FAILED with a
     * provider reason). Outcomes established later by tracking do not count again. Rows written
     * before V6 answered with COMPLETED and are not counted (ADR 0024).
     */
    public static boolean isProviderAnswer(Outcome.Kind kind, java.util.Optional<ReasonCode> reason) {
        return kind == Outcome.Kind.SUBMITTED || kind == Outcome.Kind.UNRESOLVED
                || kind == Outcome.Kind.FAILED && reason.filter(AuditSummary::isProviderReason).isPresent();
    }

    /** Whether such an answer is a failure: lost, or a provider refusal or fault. */
    public static boolean isProviderFailure(Outcome.Kind kind, java.util.Optional<ReasonCode> reason) {
        return isProviderAnswer(kind, reason) && kind != Outcome.Kind.SUBMITTED;
    }

    private static boolean isProviderReason(ReasonCode reason) {
        return reason.name().startsWith("PROVIDER_") || reason == ReasonCode.OUTCOME_UNKNOWN;
    }

    /** Failed calls over all calls; 0 when there was no call. */
    public double providerFailureRate() {
        return providerCalls == 0 ? 0.0 : (double) providerFailures / providerCalls;
    }
}
