package org.vpsrecovery.application.fairshare;

import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.port.PlatformUnavailable;

/**
 * Lets a team's request in within its fair share of VPS.org (OWASP API4, ADR 0037): one request off
 * its rate and, for a request that calls VPS.org, one of its slots for calls in flight, held until
 * the admission is closed.
 */
public interface AdmitTeamRequestUseCase {

    /**
     * @throws FairShareExceeded over the team's rate or with all its slots taken: nothing was done
     * @throws PlatformUnavailable the shared count cannot be read: nothing was done
     */
    Admission admit(TeamId team, boolean callsVpsOrg);

    /**
     * The same admission when it needs no wait (no round trip, no lock held elsewhere: ADR 0047), so
     * it may be asked on an event loop; empty: nothing was taken, call {@link #admit}. Never refuses.
     */
    Optional<Admission> admitAtOnce(TeamId team, boolean callsVpsOrg);

    /** A request let in; closing it (once is enough, more is harmless) gives its slot back. */
    interface Admission extends AutoCloseable {

        @Override
        void close();
    }
}
