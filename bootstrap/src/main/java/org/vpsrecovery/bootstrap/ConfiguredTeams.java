package org.vpsrecovery.bootstrap;

import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.core.type.Argument;
import io.micronaut.core.value.PropertyResolver;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.adapters.http.facade.ServiceToken;
import org.vpsrecovery.application.audit.RecordAuditReadService;
import org.vpsrecovery.application.restore.SafetySnapshotSettings;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.RecoveryLimits;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The teams, from configuration: for each {@code vpsr.teams.<team>.*}, the SHA-256 of its token,
 * the servers it owns, and optionally lower limits. A server belongs to one team at most.
 *
 * <pre>
 * vpsr.teams.payments.token-sha256=4f1c...   (sha256 of the token, hex; the token id "default", no expiry)
 * vpsr.teams.payments.tokens.ci-2026.sha256=9a0b...         (more service tokens, each with an id,
 * vpsr.teams.payments.tokens.ci-2026.not-after=2026-12-31T23:59:59Z   and optionally a not-after: ADR 0034)
 * vpsr.teams.payments.servers=12345,12346
 * vpsr.teams.payments.snapshots-per-server=3          (optional, at most 5)
 * vpsr.teams.payments.manual-backups-per-server=10    (optional, at most 10)
 * vpsr.teams.payments.safety-snapshot=false           (optional, true by default: restores take a
 *                                                       safety snapshot first, ADR 0029)
 * vpsr.teams.payments.requests-per-minute=120         (optional: its fair share of VPS.org, read by
 * vpsr.teams.payments.calls-in-flight=2                ConfiguredFairShare, ADR 0037)
 * vpsr.teams.payments.approval-required=restore,delete  (optional: a second person approves these,
 * vpsr.teams.payments.approval-time-limit=1h            read by ConfiguredApprovals, ADR 0040)
 * </pre>
 */
public final class ConfiguredTeams implements ServerOwnership, TeamLimits, TeamDirectory, SafetySnapshotSettings {

    /** Whether a team's restores take a safety snapshot when its configuration does not say. */
    static final boolean SAFETY_SNAPSHOT_BY_DEFAULT = true;

    public record Team(TeamId id, List<ServiceToken> tokens, Set<ServerId> servers, RecoveryLimits limits,
                       boolean safetySnapshot) {

        public Team {
            tokens = List.copyOf(tokens);
        }
    }

    /** The team field of auditors' reads of the audit (ADR 0034): no team may take the name. */
    static final TeamId RESERVED = RecordAuditReadService.AUDITORS;
    private static final Pattern TOKEN_SETTING = Pattern.compile("tokens\\.([^.]+)\\.(sha256|not-after)");

    static final String PREFIX = "vpsr.teams";
    /** The keys a team may have, after {@code vpsr.teams.<team>.}. */
    static final List<String> SETTINGS = List.of("token-sha256", "servers", "snapshots-per-server", "manual-backups-per-server",
            "safety-snapshot",
            ConfiguredFairShare.REQUESTS_PER_MINUTE, ConfiguredFairShare.CALLS_IN_FLIGHT, // the fair share's (ADR 0037)
            ConfiguredApprovals.REQUIRED, ConfiguredApprovals.TIME_LIMIT); // two-person approval's (ADR 0040)
    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-fA-F]{64}");

    private final Map<TeamId, Team> teams;

    public ConfiguredTeams(List<Team> teams) {
        Map<TeamId, Team> byId = new LinkedHashMap<>();
        Map<ServerId, TeamId> owners = new LinkedHashMap<>();
        for (Team team : teams) {
            for (ServerId server : team.servers()) {
                TeamId previous = owners.putIfAbsent(server, team.id());
                if (previous != null) {
                    throw new IllegalArgumentException("server " + server + " is given to both team " + previous
                            + " and team " + team.id() + "; a server belongs to one team");
                }
            }
            byId.put(team.id(), team);
        }
        this.teams = Map.copyOf(byId);
    }

    /**
     * The teams under {@code vpsr.teams} of a Micronaut environment (or any property source), each
     * value converted by Micronaut (a server list may be {@code 1,2} or a YAML list). A key of any
     * other shape (such as {@code vpsr.teams.file}, which an environment variable {@code VPSR_TEAMS_FILE}
     * would become) is refused with its full name, never taken for a team.
     */
    public static ConfiguredTeams from(PropertyResolver properties) {
        SortedMap<String, SortedSet<String>> byName = NamedSettings.under(properties, PREFIX);
        byName.forEach((name, settings) -> settings.stream()
                .filter(setting -> !SETTINGS.contains(setting) && !TOKEN_SETTING.matcher(setting).matches()).findFirst()
                .ifPresent(setting -> {
                    throw new IllegalArgumentException(NamedSettings.key(PREFIX, name, setting) + " is not a team "
                            + "setting; a team is configured by " + PREFIX + ".<team>."
                            + String.join(", " + PREFIX + ".<team>.", SETTINGS) + ", " + PREFIX
                            + ".<team>.tokens.<token-id>.sha256, " + PREFIX + ".<team>.tokens.<token-id>.not-after");
                }));
        if (byName.containsKey(RESERVED.value())) {
            throw new IllegalArgumentException(PREFIX + "." + RESERVED + ": the name " + RESERVED
                    + " is reserved (auditors' reads of the audit are filed under it)");
        }
        if (byName.isEmpty()) {
            throw new IllegalArgumentException("no team is configured: set vpsr.teams.<team>.token-sha256 and "
                    + "vpsr.teams.<team>.servers (for example in the file named by VPSR_TEAMS_FILE)");
        }
        ConfiguredTeams teams = new ConfiguredTeams(byName.keySet().stream().map(name -> team(name, properties)).toList());
        refuseSharedDigests(teams.tokenKeys());
        return teams;
    }

    /** Each service token's setting key ({@code vpsr.teams.<team>.tokens.<id>.sha256}) and its digest, lower-case. */
    Map<String, String> tokenKeys() {
        Map<String, String> keys = new LinkedHashMap<>();
        serviceTokens().forEach(t -> keys.put(PREFIX + "." + t.team() + "." + (t.id().equals(ServiceToken.DEFAULT_ID)
                ? "token-sha256" : "tokens." + t.id() + ".sha256"), t.sha256Hex().toLowerCase(java.util.Locale.ROOT)));
        return keys;
    }

    /**
     * One digest under two keys would make a token mean two callers (the last match winning, an
     * expired copy refusing a valid token): refused before the start, naming both keys (not the digest).
     */
    static void refuseSharedDigests(Map<String, String> digestsByKey) {
        Map<String, String> keyByDigest = new LinkedHashMap<>();
        digestsByKey.forEach((key, digest) -> {
            String first = keyByDigest.putIfAbsent(digest.toLowerCase(java.util.Locale.ROOT), key);
            if (first != null) {
                throw new IllegalArgumentException(first + " and " + key + " hold the same token digest; "
                        + "every team token and auditor token must be a different token");
            }
        });
    }

    /** Teams' and auditors' tokens, all different from each other. */
    static void refuseSharedDigests(ConfiguredTeams teams, ConfiguredAuditors auditors) {
        refuseSharedDigests(tokenDigestsByKey(teams, auditors));
    }

    /**
     * Tokens anyone can read: the embedded demo's (printed at its start, in the README) and those the README's examples
     * once gave the digests of. A teams file is never the demo (which runs without one), so none may stand in it.
     */
    static final List<String> PUBLISHED_TOKENS = List.of(EmbeddedDefaults.DEMO_TEAM_TOKEN,
            EmbeddedDefaults.OTHER_TEAM_TOKEN, EmbeddedDefaults.DEMO_AUDITOR_TOKEN, "test", "test2", "test3",
            "compliance-token");

    /** A digest of a {@link #PUBLISHED_TOKENS published token} is refused, naming its key and never the token. */
    static void refusePublishedDigests(ConfiguredTeams teams, ConfiguredAuditors auditors) {
        Set<String> published = new java.util.HashSet<>();
        PUBLISHED_TOKENS.forEach(token -> published.add(
                HashedTeamTokens.sha256Hex(token)));
        tokenDigestsByKey(teams, auditors).forEach((key, digest) -> {
            if (published.contains(digest.toLowerCase(java.util.Locale.ROOT))) {
                throw new IllegalArgumentException(key + " is the digest of a published token (the embedded demo's or "
                        + "an example's), which anyone can send; give it the digest of a token of your own");
            }
        });
    }

    private static Map<String, String> tokenDigestsByKey(ConfiguredTeams teams, ConfiguredAuditors auditors) {
        Map<String, String> all = new LinkedHashMap<>(teams.tokenKeys());
        auditors.tokenDigests().forEach((name, digest) -> all.put(ConfiguredAuditors.PREFIX + "." + name + ".token-sha256", digest));
        return all;
    }

    /** The teams from settings named relative to {@code vpsr.teams.}, e.g. {@code payments.servers} (a teams file). */
    public static ConfiguredTeams fromSettings(Map<String, ?> settings) {
        return from(relativeTo(PREFIX, settings));
    }

    /** {@code settings}, named relative to {@code prefix}, as a Micronaut property source. */
    static PropertyResolver relativeTo(String prefix, Map<String, ?> settings) {
        Map<String, Object> named = new LinkedHashMap<>();
        settings.forEach((key, value) -> named.put(prefix + "." + key, value));
        return new PropertySourcePropertyResolver(PropertySource.of(prefix, named));
    }

    private static Team team(String name, PropertyResolver properties) {
        String prefix = PREFIX + "." + name + ".";
        TeamId id;
        try {
            id = new TeamId(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "." + name + ": " + e.getMessage());
        }
        List<ServiceToken> tokens = tokens(id, prefix, properties);
        Set<ServerId> servers = new LinkedHashSet<>();
        for (String part : properties.get(prefix + "servers", Argument.listOf(String.class)).orElse(List.of())) {
            if (!part.isBlank()) {
                try {
                    servers.add(new ServerId(Long.parseLong(part.strip())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(prefix + "servers must be positive integers, was " + part.strip());
                }
            }
        }
        RecoveryLimits limits;
        try {
            limits = new RecoveryLimits(
                    limit(prefix, properties, "snapshots-per-server", RecoveryLimits.PROVIDER_SNAPSHOTS_PER_SERVER),
                    limit(prefix, properties, "manual-backups-per-server", RecoveryLimits.PROVIDER_MANUAL_BACKUPS_PER_SERVER));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith(prefix) ? e.getMessage() : prefix + e.getMessage());
        }
        // Strictly true or false: a word such as "yes" is refused by name, not guessed.
        String safety = properties.get(prefix + "safety-snapshot", String.class).map(String::strip).orElse("");
        boolean safetySnapshot = switch (safety.toLowerCase(java.util.Locale.ROOT)) {
            case "" -> SAFETY_SNAPSHOT_BY_DEFAULT;
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(prefix + "safety-snapshot must be true or false, was " + safety);
        };
        return new Team(id, tokens, Set.copyOf(servers), limits, safetySnapshot);
    }

    /**
     * {@code token-sha256} (id {@value ServiceToken#DEFAULT_ID}, no expiry unless {@code tokens.default.not-after} gives
     * one) and every {@code tokens.<id>.*}: at least one.
     */
    private static List<ServiceToken> tokens(TeamId team, String prefix, PropertyResolver properties) {
        List<ServiceToken> tokens = new java.util.ArrayList<>();
        String single = properties.get(prefix + "token-sha256", String.class).map(String::strip).orElse("");
        if (!single.isEmpty()) {
            tokens.add(new ServiceToken(team, ServiceToken.DEFAULT_ID, digest(prefix + "token-sha256", team, single),
                    java.util.Optional.empty()));
        }
        Set<String> ids = new TreeSet<>();
        for (String key : properties.getProperties(prefix + "tokens").keySet()) {
            ids.add(key.split("\\.", 2)[0]);
        }
        for (String tokenId : ids) {
            String tokenPrefix = prefix + "tokens." + tokenId + ".";
            if (!ServiceToken.ID.matcher(tokenId).matches()) {
                throw new IllegalArgumentException(prefix + "tokens." + tokenId
                        + ": a token id is 1-63 lower-case letters, digits or inner hyphens");
            }
            String digest = properties.get(tokenPrefix + "sha256", String.class).map(String::strip).orElse("");
            boolean theSingleToken = tokenId.equals(ServiceToken.DEFAULT_ID) && !single.isEmpty();
            if (theSingleToken && !digest.isEmpty()) {
                throw new IllegalArgumentException(tokenPrefix + "sha256: the id " + ServiceToken.DEFAULT_ID
                        + " is the one " + prefix + "token-sha256 sets; choose another id");
            }
            if (digest.isEmpty() && !theSingleToken) {
                throw new IllegalArgumentException(tokenPrefix + "sha256 is required");
            }
            String notAfter = properties.get(tokenPrefix + "not-after", String.class).map(String::strip).orElse("");
            java.util.Optional<java.time.Instant> end;
            try {
                end = notAfter.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(java.time.Instant.parse(notAfter));
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(tokenPrefix + "not-after must be an instant such as "
                        + "2026-12-31T23:59:59Z, was " + notAfter);
            }
            if (theSingleToken) {
                // token-sha256's token ends as any other is rotated out (docs/deploy.md): tokens.default.not-after.
                tokens.set(0, new ServiceToken(team, ServiceToken.DEFAULT_ID, tokens.getFirst().sha256Hex(), end));
            } else {
                tokens.add(new ServiceToken(team, tokenId, digest(tokenPrefix + "sha256", team, digest), end));
            }
        }
        if (tokens.isEmpty()) {
            throw new IllegalArgumentException(prefix + "token-sha256 is required (or " + prefix + "tokens.<token-id>.sha256)");
        }
        return tokens;
    }

    private static String digest(String key, TeamId team, String digest) {
        if (!SHA256_HEX.matcher(digest).matches()) {
            throw new IllegalArgumentException(key + " must be 64 hex characters, the SHA-256 of the "
                    + "token of team " + team + " (printf %s \"$TOKEN\" | sha256sum)");
        }
        return digest;
    }

    private static int limit(String prefix, PropertyResolver properties, String key, int providerCeiling) {
        String raw = properties.get(prefix + key, String.class).map(String::strip).orElse("");
        if (raw.isEmpty()) {
            return providerCeiling;
        }
        return properties.get(prefix + key, Integer.class).orElseThrow(() -> new IllegalArgumentException(
                prefix + key + " must be a whole number from 0 to " + providerCeiling + ", was " + raw));
    }

    /** Each team's {@code token-sha256} (the token id {@value ServiceToken#DEFAULT_ID}), where it has one. */
    public Map<TeamId, String> tokenDigests() {
        Map<TeamId, String> digests = new LinkedHashMap<>();
        serviceTokens().stream().filter(t -> t.id().equals(ServiceToken.DEFAULT_ID))
                .forEach(t -> digests.put(t.team(), t.sha256Hex()));
        return digests;
    }

    /** Every team's service tokens, each with its id and not-after. */
    public List<ServiceToken> serviceTokens() {
        return teams.values().stream().flatMap(team -> team.tokens().stream()).toList();
    }

    @Override
    public Set<TeamId> teams() {
        return teams.keySet();
    }

    @Override
    public Set<ServerId> serversOf(TeamId team) {
        Team found = teams.get(team);
        return found == null ? Set.of() : found.servers();
    }

    @Override
    public boolean takesSafetySnapshot(TeamId team) {
        Team found = teams.get(team);
        return found != null && found.safetySnapshot();
    }

    @Override
    public RecoveryLimits limitsFor(TeamId team) {
        Team found = teams.get(team);
        return found == null ? RecoveryLimits.PROVIDER_DOCUMENTED : found.limits();
    }
}
