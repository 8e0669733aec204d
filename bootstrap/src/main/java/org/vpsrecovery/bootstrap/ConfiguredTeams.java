package org.vpsrecovery.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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
 * vpsr.teams.payments.token-sha256=4f1c...   (sha256 of the token, hex)
 * vpsr.teams.payments.servers=12345,12346
 * vpsr.teams.payments.snapshots-per-server=3          (optional, at most 5)
 * vpsr.teams.payments.manual-backups-per-server=10    (optional, at most 10)
 * </pre>
 */
public final class ConfiguredTeams implements ServerOwnership, TeamLimits, TeamDirectory {

    public record Team(TeamId id, String tokenSha256, Set<ServerId> servers, RecoveryLimits limits) {
    }

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

    public static ConfiguredTeams from(PropertyResolver properties) {
        Map<String, Object> raw = properties.getProperties("vpsr.teams");
        // Sorted, so that start-up messages do not depend on the order properties were read in.
        Set<String> names = new TreeSet<>();
        raw.keySet().forEach(key -> names.add(key.split("\\.", 2)[0]));
        List<Team> teams = names.stream().map(name -> team(properties, name)).toList();
        if (teams.isEmpty()) {
            throw new IllegalArgumentException("no team is configured: set vpsr.teams.<team>.token-sha256 and "
                    + "vpsr.teams.<team>.servers (for example in the file named by VPSR_TEAMS_FILE)");
        }
        return new ConfiguredTeams(teams);
    }

    private static Team team(PropertyResolver properties, String name) {
        String prefix = "vpsr.teams." + name + ".";
        TeamId id;
        try {
            id = new TeamId(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vpsr.teams." + name + ": " + e.getMessage());
        }
        String digest = properties.get(prefix + "token-sha256", String.class)
                .orElseThrow(() -> new IllegalArgumentException(prefix + "token-sha256 is required"));
        String serverList = properties.get(prefix + "servers", String.class).orElse("");
        Set<ServerId> servers = new LinkedHashSet<>();
        for (String part : serverList.replace("[", "").replace("]", "").split(",")) {
            if (!part.isBlank()) {
                try {
                    servers.add(new ServerId(Long.parseLong(part.strip())));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(prefix + "servers must be positive integers, was " + part.strip());
                }
            }
        }
        RecoveryLimits limits = new RecoveryLimits(
                properties.get(prefix + "snapshots-per-server", Integer.class)
                        .orElse(RecoveryLimits.PROVIDER_SNAPSHOTS_PER_SERVER),
                properties.get(prefix + "manual-backups-per-server", Integer.class)
                        .orElse(RecoveryLimits.PROVIDER_MANUAL_BACKUPS_PER_SERVER));
        return new Team(id, digest, Set.copyOf(servers), limits);
    }

    public Map<TeamId, String> tokenDigests() {
        Map<TeamId, String> digests = new LinkedHashMap<>();
        teams.values().forEach(team -> digests.put(team.id(), team.tokenSha256()));
        return digests;
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
    public RecoveryLimits limitsFor(TeamId team) {
        Team found = teams.get(team);
        return found == null ? RecoveryLimits.PROVIDER_DOCUMENTED : found.limits();
    }
}
