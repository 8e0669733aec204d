package org.vpsrecovery.domain.port;

import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;

/**
 * Each team's fair share of VPS.org, counted across every instance of the service (ADR 0037): a
 * request rate and a bound on the calls it has in flight. Neither waits: over the share, the call
 * is refused with {@link FairShareExceeded} at once.
 */
public interface FairShare {

    /** Takes one request from the team's rate, or refuses it with how long until one is allowed. */
    void takeRequest(TeamId team, FairShareLimits limits);

    /**
     * Takes one of the team's {@code callsInFlight} slots until the slot is closed. A slot whose
     * holder died without closing it is free again once its lease has run out.
     */
    CallSlot enterCall(TeamId team, FairShareLimits limits);

    /**
     * Takes one request from the team's rate and, if {@code call}, one of its slots, both or neither,
     * only when that needs no wait: no round trip to a shared store, no lock another thread holds
     * (ADR 0047). Empty: nothing was taken, ask {@link #takeRequest} and {@link #enterCall}. Never
     * refuses. The slot (a no-op one without {@code call}) is closed when the request ends; closing
     * it never waits either. By default nothing is ever admitted at once.
     */
    default Optional<CallSlot> admitAtOnce(TeamId team, FairShareLimits limits, boolean call) {
        return Optional.empty();
    }

    /** One call in flight; closing it frees the slot (again and again: only the first close counts). */
    interface CallSlot extends AutoCloseable {

        @Override
        void close();
    }
}
