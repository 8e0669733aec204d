package org.vpsrecovery.adapters.persistence;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.report.AuditSummary;
import org.vpsrecovery.domain.report.SummaryQuery;

/**
 * Sums grouped counts (a group may come several times: a month read from days and edge days) into the
 * summary (ADR 0053). A group's key is one long (UTC epoch day, team, operation, outcome), and the counts
 * leave already in {@link AuditSummary#COUNT_ORDER}: sorting 400,000 counts by that comparator was a
 * quarter of a year-by-day summary's samples, and a sorted list costs it one pass. Reasons are summed
 * per outcome and reason (a few dozen), and the provider calls and rejections made from those sums.
 */
final class SummaryFold {

    private static final int TEAM_BITS = 20;
    private static final int OPERATION_BITS = 6;
    private static final int OUTCOME_BITS = 6;
    private static final Outcome.Kind[] KINDS = Outcome.Kind.values();
    private static final Operation[] OPERATIONS = Operation.values();

    static {
        if (OPERATIONS.length > 1 << OPERATION_BITS || KINDS.length > 1 << OUTCOME_BITS) {
            throw new ExceptionInInitializerError("a summary key holds at most 64 operations and outcomes");
        }
    }

    private final SummaryQuery query;
    private final Map<String, Integer> teamIndex = new HashMap<>();
    private final List<String> teams = new ArrayList<>();
    /** By {@link #spread} key: the group's key and its events. */
    private final Map<Long, long[]> counts = new HashMap<>();
    private final Map<Outcome.Kind, Map<String, long[]>> byReason = new EnumMap<>(Outcome.Kind.class);
    /**
     * Groups holding an operation or outcome this release does not know (a later release wrote them), by (epoch day,
     * team, operation, outcome) as stored: counted apart, never as a known kind (ADR 0005, amended in session 49).
     */
    private final Map<LaterGroup, long[]> laterRelease = new HashMap<>();

    private record LaterGroup(int epochDay, String team, String operation, String outcome) {
    }

    SummaryFold(SummaryQuery query) {
        this.query = query;
    }

    /** One group's events in the bucket starting on UTC epoch day {@code epochDay}; {@code reason} may be null. */
    void add(int epochDay, String team, String operation, String outcome, String reason, long events) {
        addGroup(epochDay, team, operation, outcome, events);
        addReason(outcome, reason, events);
    }

    /**
     * A group's events without their reasons: those come summed through {@link #addReason} (V34's tables).
     * {@code team} is null exactly in a summary summed over every team (ADR 0078).
     */
    void addGroup(int epochDay, String team, String operation, String outcome, long events) {
        if ((team == null) != query.overTeams()) {
            throw new IllegalStateException(team == null ? "a count without its team" : "a team's count in a sum over teams");
        }
        String name = team == null ? "" : team;
        Integer index = teamIndex.get(name);
        if (index == null) {
            if (teams.size() == 1 << TEAM_BITS) {
                throw new IllegalStateException("a summary counts at most " + (1 << TEAM_BITS) + " teams");
            }
            index = teams.size();
            teams.add(team == null ? name : new TeamId(team).value());
            teamIndex.put(name, index);
        }
        Optional<Operation> known = known(Operation.class, operation);
        Optional<Outcome.Kind> knownOutcome = known(Outcome.Kind.class, outcome);
        if (known.isEmpty() || knownOutcome.isEmpty()) {
            laterRelease.computeIfAbsent(new LaterGroup(epochDay, team, laterReleasesName(operation),
                    laterReleasesName(outcome)), k -> new long[1])[0] += events;
            return;
        }
        long key = key(epochDay, index, Operation.valueOf(operation), Outcome.Kind.valueOf(outcome));
        counts.computeIfAbsent(spread(key), k -> new long[] {key, 0})[1] += events;
    }

    /** Events of one outcome and reason ({@code reason} may be null), whatever their bucket, team and operation. */
    void addReason(String outcome, String reason, long events) {
        if (known(Outcome.Kind.class, outcome).isEmpty() || reason != null && known(ReasonCode.class, reason).isEmpty()) {
            // A later release's outcome or reason: its events are in their group's count; what they mean for the
            // rejections and the provider's answers this release cannot tell, so they are not ranked or rated.
            laterReleasesName(outcome);
            if (reason != null) {
                laterReleasesName(reason);
            }
            return;
        }
        byReason.computeIfAbsent(Outcome.Kind.valueOf(outcome), k -> new HashMap<>())
                .computeIfAbsent(reason == null ? "" : reason, r -> new long[1])[0] += events;
    }

    AuditSummary summary() {
        // Teams ranked by their value, so the key's order is the canonical order.
        Integer[] byValue = new Integer[teams.size()];
        Arrays.setAll(byValue, i -> i);
        Arrays.sort(byValue, Comparator.comparing(teams::get));
        int[] rank = new int[teams.size()];
        List<Optional<TeamId>> ids = new ArrayList<>(teams.size());
        for (int r = 0; r < byValue.length; r++) {
            rank[byValue[r]] = r;
            String team = teams.get(byValue[r]);
            ids.add(query.overTeams() ? Optional.empty() : Optional.of(new TeamId(team)));
        }
        // The keys with the teams ranked, sorted as primitives (a sort of boxed pairs by a comparator was half
        // of a by-day summary's samples at 10 M events); each key's events found again by its unranked key.
        long[] ranked = new long[counts.size()];
        int i = 0;
        for (long[] count : counts.values()) {
            long key = count[0];
            ranked[i++] = withTeam(key, rank[team(key)]);
        }
        Arrays.sort(ranked);
        List<AuditSummary.Count> sorted = new ArrayList<>(ranked.length);
        int day = 0;
        Instant bucket = null;
        for (long key : ranked) {
            int team = team(key);
            int epochDay = (int) (key >> 32);
            if (bucket == null || epochDay != day) {
                day = epochDay;
                bucket = Instant.ofEpochSecond(epochDay * 86_400L);
            }
            sorted.add(new AuditSummary.Count(bucket, ids.get(team),
                    OPERATIONS[(int) (key >>> OUTCOME_BITS) & ((1 << OPERATION_BITS) - 1)],
                    KINDS[(int) key & ((1 << OUTCOME_BITS) - 1)], counts.get(spread(withTeam(key, byValue[team])))[1]));
        }
        Map<ReasonCode, Long> rejections = new EnumMap<>(ReasonCode.class);
        long calls = 0;
        long failures = 0;
        for (Map.Entry<Outcome.Kind, Map<String, long[]>> kind : byReason.entrySet()) {
            for (Map.Entry<String, long[]> reasonCount : kind.getValue().entrySet()) {
                Optional<ReasonCode> reason = reasonCount.getKey().isEmpty() ? Optional.empty()
                        : Optional.of(ReasonCode.valueOf(reasonCount.getKey()));
                long events = reasonCount.getValue()[0];
                if (kind.getKey() == Outcome.Kind.REJECTED) {
                    rejections.merge(reason.orElseThrow(), events, Long::sum);
                }
                calls += AuditSummary.isProviderAnswer(kind.getKey(), reason) ? events : 0;
                failures += AuditSummary.isProviderFailure(kind.getKey(), reason) ? events : 0;
            }
        }
        List<AuditSummary.LaterReleaseCount> later = laterRelease.entrySet().stream()
                .map(group -> new AuditSummary.LaterReleaseCount(
                        Instant.ofEpochSecond(group.getKey().epochDay() * 86_400L),
                        query.overTeams() ? Optional.empty() : Optional.of(new TeamId(group.getKey().team())),
                        group.getKey().operation(), group.getKey().outcome(), group.getValue()[0]))
                .toList();
        return new AuditSummary(query, sorted,
                rejections.entrySet().stream().map(r -> new AuditSummary.ReasonCount(r.getKey(), r.getValue())).toList(),
                calls, failures, later);
    }

    /** The constant named {@code name}, empty when this release has none of that name. */
    private static <E extends Enum<E>> Optional<E> known(Class<E> type, String name) {
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equals(name)) {
                return Optional.of(constant);
            }
        }
        return Optional.empty();
    }

    /**
     * {@code name} when it is written as a stored name is; anything else no release writes, and the summary fails as
     * before (the events' groups are checked row by row before they come here: AuditSummaryCounts).
     */
    private static String laterReleasesName(String name) {
        if (name == null || !AuditEventRows.isStoredName(name)) {
            throw new IllegalArgumentException("no release writes " + (name == null ? "a missing name" : "this name"));
        }
        return name;
    }

    private static int team(long key) {
        return (int) (key >>> (OPERATION_BITS + OUTCOME_BITS)) & ((1 << TEAM_BITS) - 1);
    }

    /** The key with its team number replaced. */
    private static long withTeam(long key, int team) {
        return key & ~(((1L << TEAM_BITS) - 1) << (OPERATION_BITS + OUTCOME_BITS))
                | (long) team << (OPERATION_BITS + OUTCOME_BITS);
    }

    /**
     * The key multiplied by an odd constant (a bijection): {@code Long.hashCode} is high XOR low half, and
     * (day, group) keys collide there so often that HashMap's bins turned into trees (a sixth of the
     * fold's samples).
     */
    private static long spread(long key) {
        return key * 0x9E3779B97F4A7C15L;
    }

    /** Epoch day in the high 32 bits (signed, so earlier days sort first), then team, operation, outcome. */
    private static long key(int epochDay, int team, Operation operation, Outcome.Kind kind) {
        return (long) epochDay << 32 | (long) team << (OPERATION_BITS + OUTCOME_BITS)
                | (long) operation.ordinal() << OUTCOME_BITS | kind.ordinal();
    }
}
