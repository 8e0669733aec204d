package org.vpsrecovery.application.fairshare;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;

/**
 * The rate first (the cheaper refusal, and a refused request still counts against it, as a script
 * retrying at once should), then a slot among the team's calls in flight if the request calls
 * VPS.org (a request that only reads the platform's own records, such as a long wait on an
 * operation, holds none).
 */
public final class AdmitTeamRequestService implements AdmitTeamRequestUseCase {

    private final FairShare fairShare;
    private final FairShareSettings settings;

    public AdmitTeamRequestService(FairShare fairShare, FairShareSettings settings) {
        this.fairShare = Objects.requireNonNull(fairShare, "fair share");
        this.settings = Objects.requireNonNull(settings, "settings");
    }

    @Override
    public Admission admit(TeamId team, boolean callsVpsOrg) {
        Objects.requireNonNull(team, "team");
        FairShareLimits limits = settings.fairShareOf(team);
        fairShare.takeRequest(team, limits);
        if (!callsVpsOrg) {
            return () -> { };
        }
        FairShare.CallSlot slot = fairShare.enterCall(team, limits);
        return slot::close;
    }

    @Override
    public Optional<Admission> admitAtOnce(TeamId team, boolean callsVpsOrg) {
        Objects.requireNonNull(team, "team");
        return fairShare.admitAtOnce(team, settings.fairShareOf(team), callsVpsOrg).map(slot -> slot::close);
    }
}
