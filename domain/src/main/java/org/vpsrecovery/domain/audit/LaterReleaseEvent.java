package org.vpsrecovery.domain.audit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A stored event holding a name this release does not know (an operation, outcome, reason or resource type a later
 * release added: deploy.md's two-release rule), whose hash holds over its stored parts: what was written is genuine,
 * this release just cannot interpret it. Its names are kept as the text stored, never turned into a known kind; what
 * every event has (time, team, request id, server) is read as usual. A row whose hash does not hold is no such event
 * but an altered one ({@link org.vpsrecovery.domain.port.AuditEventAltered}). ADR 0005, amended in session 49.
 *
 * @param unknownName which part holds the name this release does not know, and the name: "the operation X"
 */
public record LaterReleaseEvent(long sequence, Instant occurredAt, TeamId team, RequestId requestId,
                                Optional<ServerId> server, String operation, String outcome, Optional<String> reason,
                                String unknownName) implements AuditHistoryEntry {

    /** How a stored name is written (capitals, digits, '_'), as every name this release knows is. */
    private static final Pattern NAME = Pattern.compile("[A-Z][A-Z0-9_]{0,99}");

    public LaterReleaseEvent {
        if (sequence <= 0) {
            throw new IllegalArgumentException("sequence must be positive");
        }
        Objects.requireNonNull(occurredAt, "occurred at");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(unknownName, "unknown name");
        requireName("operation", operation);
        requireName("outcome", outcome);
        reason.ifPresent(r -> requireName("reason", r));
        if (unknownName.isBlank()) {
            throw new IllegalArgumentException("the unknown name is said");
        }
    }

    private static void requireName(String what, String name) {
        Objects.requireNonNull(name, what);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(what + " is not written as a stored name");
        }
    }
}
