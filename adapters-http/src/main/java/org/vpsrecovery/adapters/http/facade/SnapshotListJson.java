package org.vpsrecovery.adapters.http.facade;

import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * A team's list of snapshots as the JSON it is answered with, encoded once for the callers that get an equal list
 * (ADR 0105): the lists that share one read of VPS.org (ADR 0075) are answered on one thread, each encoded anew
 * before. The bytes are a function of the list's value alone, so an answer is never staler than the list it is for;
 * each team keeps only the last list it was answered.
 */
@Singleton
final class SnapshotListJson {

    /** The last list a team was answered and its JSON. */
    private record Encoded(List<Snapshot> snapshots, byte[] json) {
    }

    private final JsonMapper json;
    /** One entry per team that listed; teams are configured, so this stays as small as their number. */
    private final Map<TeamId, Encoded> lastByTeam = new ConcurrentHashMap<>();

    SnapshotListJson(JsonMapper json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The team's list as JSON: the bytes of the team's last answer when this list equals it, else encoded now. */
    byte[] of(TeamId team, List<Snapshot> snapshots) {
        Encoded last = lastByTeam.get(team);
        if (last != null && last.snapshots().equals(snapshots)) {
            return last.json();
        }
        byte[] encoded;
        try {
            encoded = json.writeValueAsBytes(FacadeJsonMapper.snapshots(snapshots));
        } catch (IOException e) {
            throw new UncheckedIOException("the list of snapshots could not be written as JSON", e);
        }
        lastByTeam.put(team, new Encoded(List.copyOf(snapshots), encoded));
        return encoded;
    }
}
