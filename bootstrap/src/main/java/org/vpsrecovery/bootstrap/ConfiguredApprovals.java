package org.vpsrecovery.bootstrap;

import io.micronaut.core.type.Argument;
import io.micronaut.core.value.PropertyResolver;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.application.approval.ApprovalSettings;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Which of each team's requests wait for a second person, and how long (ADR 0040). Off unless a team says:
 *
 * <pre>
 * vpsr.teams.payments.approval-required=restore,delete   (restore: of a snapshot or from a backup; delete: a
 *                                                           snapshot or a backup; hold-release: a team's release of
 *                                                           its hold; policy-change: a policy's create, update or
 *                                                           delete, ADR 0043)
 * vpsr.teams.payments.approval-time-limit=1h             (optional, 1h by default; 1s to 7d; 30m, PT30M)
 * </pre>
 *
 * A word other than those is refused by name before the start, never ignored.
 */
public final class ConfiguredApprovals implements ApprovalSettings {

    static final String REQUIRED = "approval-required";
    static final String TIME_LIMIT = "approval-time-limit";
    static final List<String> TEAM_SETTINGS = List.of(REQUIRED, TIME_LIMIT);
    static final Duration DEFAULT_TIME_LIMIT = Duration.ofHours(1);
    static final Duration SHORTEST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofDays(7);
    private static final Map<String, Set<Operation>> WORDS = Map.of(
            "restore", EnumSet.of(Operation.RESTORE_SNAPSHOT, Operation.RESTORE_SERVER_FROM_BACKUP),
            "delete", EnumSet.of(Operation.DELETE_SNAPSHOT, Operation.DELETE_BACKUP),
            "hold-release", EnumSet.of(Operation.RELEASE_RECOVERY_POINT_HOLD),
            "policy-change", EnumSet.of(Operation.CREATE_POLICY, Operation.UPDATE_POLICY, Operation.DELETE_POLICY));

    /** One team's rule: the operations that wait, and for how long. */
    record Rule(Set<Operation> operations, Duration timeLimit) {
    }

    private final Map<TeamId, Rule> rules;

    ConfiguredApprovals(Map<TeamId, Rule> rules) {
        this.rules = Map.copyOf(rules);
    }

    /** The given teams' rules from a Micronaut environment (or any property source). */
    public static ConfiguredApprovals from(PropertyResolver properties, Set<TeamId> teams) {
        Map<TeamId, Rule> rules = new LinkedHashMap<>();
        for (TeamId team : teams) {
            String prefix = ConfiguredTeams.PREFIX + "." + team.value() + ".";
            Set<Operation> operations = EnumSet.noneOf(Operation.class);
            for (String word : properties.get(prefix + REQUIRED, Argument.listOf(String.class)).orElse(List.of())) {
                String name = word.strip().toLowerCase(Locale.ROOT);
                if (name.isEmpty()) {
                    continue;
                }
                Set<Operation> named = WORDS.get(name);
                if (named == null) {
                    throw new IllegalArgumentException(prefix + REQUIRED + " must name some of restore, delete, hold-release, policy-change, was " + word.strip());
                }
                operations.addAll(named);
            }
            Duration limit = timeLimit(prefix + TIME_LIMIT, properties);
            if (!operations.isEmpty()) {
                rules.put(team, new Rule(operations, limit));
            }
        }
        return new ConfiguredApprovals(rules);
    }

    private static Duration timeLimit(String key, PropertyResolver properties) {
        String raw = properties.get(key, String.class).map(String::strip).orElse("");
        if (raw.isEmpty()) {
            return DEFAULT_TIME_LIMIT;
        }
        Duration limit;
        try {
            limit = raw.toUpperCase(Locale.ROOT).startsWith("P") ? Duration.parse(raw)
                    : properties.get(key, Duration.class).orElseThrow(() -> new DateTimeParseException(raw, raw, 0));
        } catch (RuntimeException unreadable) {
            throw new IllegalArgumentException(key + " must be a duration such as 30m, 1h or PT1H, was " + raw);
        }
        if (limit.compareTo(SHORTEST) < 0 || limit.compareTo(LONGEST) > 0) {
            throw new IllegalArgumentException(key + " must be from 1s to 7d, was " + raw);
        }
        return limit;
    }

    @Override
    public Optional<Duration> timeLimit(TeamId team, Operation kind) {
        return Optional.ofNullable(rules.get(team)).filter(rule -> rule.operations().contains(kind)).map(Rule::timeLimit);
    }
}
