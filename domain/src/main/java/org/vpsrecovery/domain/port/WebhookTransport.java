package org.vpsrecovery.domain.port;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Sends a webhook over HTTP, and resolves the target's host for the SSRF guard. Each lookup is made for a team: a
 * lookup cannot be interrupted, so one still running past its time limit is counted against the team whose
 * subscription named the host, not against every team's (ADR 0025, session 39).
 */
public interface WebhookTransport {

    /**
     * The host's addresses, looked up for {@code team}; empty when it does not resolve.
     *
     * @throws LookupNotStarted when the lookup waited its whole time behind others and never began
     * @throws TeamLookupsStillRunning when the team's earlier lookups still run (past their time or not), up to its share
     */
    List<InetAddress> resolve(TeamId team, String host);

    /**
     * POSTs {@code body} as JSON with {@code headers} for {@code team}'s subscription; never follows a redirect.
     *
     * @throws LookupNotStarted when the connection's lookup waited its whole time behind others, or the team's earlier
     *         lookups still run ({@link TeamLookupsStillRunning}): nothing was sent
     */
    Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body);

    /**
     * The host's lookup waited behind other lookups until its time ran out, and never began: nothing is known of this
     * host, so it is no failure of its receiver. The attempt is put off, not counted.
     */
    sealed class LookupNotStarted extends RuntimeException permits TeamLookupsStillRunning {
        public LookupNotStarted(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * The lookup was not begun because the team's earlier lookups still run, as many as it may have at once (one of
     * them may hang on a name of the team's for the resolver's whole time): the team waits for its own names, not the
     * other teams. Nothing is known of this host either.
     */
    final class TeamLookupsStillRunning extends LookupNotStarted {
        private final TeamId team;

        public TeamLookupsStillRunning(TeamId team, String message) {
            super(message);
            this.team = Objects.requireNonNull(team, "team");
        }

        public TeamId team() {
            return team;
        }
    }

    /** The receiver answered with a status code, or no answer came (platform-written reason). */
    sealed interface Response {
    }

    /** What the receiver's status line said; HttpClient passes on any three digits, 600 and 999 included. */
    record Answered(int statusCode) implements Response {
        public boolean accepted() {
            return statusCode >= 200 && statusCode <= 299;
        }

        /** 100-599, the codes HTTP defines: anything else is not a status to keep or to show. */
        public boolean isHttpStatus() {
            return statusCode >= 100 && statusCode <= 599;
        }
    }

    record NoAnswer(String reason) implements Response {
        public NoAnswer {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
