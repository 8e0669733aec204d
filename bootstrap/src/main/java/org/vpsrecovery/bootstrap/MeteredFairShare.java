package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShare;
import org.vpsrecovery.domain.port.FairShareExceeded;

/**
 * Counts the requests refused over a team's fair share ({@code vpsr.fair_share.refused}, tagged by
 * team and reason). Refusals are counted, not audited (ADR 0037): a flood must not fill the audit
 * history. Teams are the configured ones only, so the tags stay few.
 */
public final class MeteredFairShare implements FairShare {

    private final FairShare fairShare;
    private final MeterRegistry registry;
    private final Map<String, Counter> refusals = new ConcurrentHashMap<>();

    public MeteredFairShare(FairShare fairShare, MeterRegistry registry) {
        this.fairShare = fairShare;
        this.registry = registry;
    }

    @Override
    public void takeRequest(TeamId team, FairShareLimits limits) {
        try {
            fairShare.takeRequest(team, limits);
        } catch (FairShareExceeded refused) {
            refused(team, refused);
            throw refused;
        }
    }

    @Override
    public CallSlot enterCall(TeamId team, FairShareLimits limits) {
        try {
            return fairShare.enterCall(team, limits);
        } catch (FairShareExceeded refused) {
            refused(team, refused);
            throw refused;
        }
    }

    /** Never refuses: nothing to count. */
    @Override
    public Optional<CallSlot> admitAtOnce(TeamId team, FairShareLimits limits, boolean call) {
        return fairShare.admitAtOnce(team, limits, call);
    }

    private void refused(TeamId team, FairShareExceeded refused) {
        String reason = refused.reason().name().toLowerCase(Locale.ROOT);
        refusals.computeIfAbsent(team.value() + '/' + reason, key -> Counter.builder("vpsr.fair_share.refused")
                .description("Requests refused over a team's fair share of VPS.org")
                .tag("team", team.value())
                .tag("reason", reason)
                .register(registry)).increment();
    }
}
