package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import jakarta.inject.Singleton;
import org.vpsrecovery.application.fairshare.AdmitTeamRequestService;
import org.vpsrecovery.application.fairshare.AdmitTeamRequestUseCase;
import org.vpsrecovery.domain.port.FairShare;

/** Each team's fair share of VPS.org (ADR 0037): its settings, checked at start, and the admission the facade asks. */
@Factory
public class FairShareFactory {

    // Built when the context starts: a wrong share stops the start with the setting named.
    @Context
    ConfiguredFairShare configuredFairShare(PropertyResolver properties, ConfiguredTeams teams) {
        return ConfiguredFairShare.from(properties, teams.teams());
    }

    @Singleton
    AdmitTeamRequestUseCase admitTeamRequests(FairShare fairShare, ConfiguredFairShare settings, MeterRegistry registry) {
        return new AdmitTeamRequestService(new MeteredFairShare(fairShare, registry), settings);
    }
}
