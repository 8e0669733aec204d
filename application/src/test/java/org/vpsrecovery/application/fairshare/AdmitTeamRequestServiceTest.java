package org.vpsrecovery.application.fairshare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.limits.FairShareLimits;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.testing.AdjustableClock;
import org.vpsrecovery.domain.testing.InMemoryFairShare;

class AdmitTeamRequestServiceTest {

    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId GREEN = new TeamId("green");
    private final AdjustableClock clock = new AdjustableClock(Instant.parse("2026-11-30T12:00:00Z"));
    /** Blue is held to 2 requests a minute and 1 in flight; green has the platform's default. */
    private final AdmitTeamRequestService admissions = new AdmitTeamRequestService(
            new InMemoryFairShare(clock, Duration.ofMinutes(2)),
            team -> Map.of(BLUE, new FairShareLimits(2, 1)).getOrDefault(team, new FairShareLimits(60, 4)));

    @Test
    void aTeamOverItsRateIsRefusedWithTheWaitAndAnotherTeamIsNot() {
        admissions.admit(BLUE, true).close();
        admissions.admit(BLUE, true).close();

        assertThatThrownBy(() -> admissions.admit(BLUE, true)).isInstanceOfSatisfying(FairShareExceeded.class, refused -> {
            assertThat(refused.reason()).isEqualTo(ReasonCode.TEAM_RATE_LIMITED);
            assertThat(refused.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(30));
            assertThat(refused.getMessage()).as("names the limit (session 51)").contains("2 requests a minute");
        });
        admissions.admit(GREEN, true).close();
    }

    @Test
    void aTeamWithAllItsSlotsTakenIsRefusedUntilOneIsGivenBack() {
        AdmitTeamRequestUseCase.Admission first = admissions.admit(BLUE, true);

        assertThatThrownBy(() -> admissions.admit(BLUE, true)).isInstanceOfSatisfying(FairShareExceeded.class,
                refused -> assertThat(refused.reason()).isEqualTo(ReasonCode.TEAM_CALLS_IN_FLIGHT_LIMITED));
        first.close();
        clock.advance(Duration.ofMinutes(1)); // the refused request spent the rate's second token
        admissions.admit(BLUE, true).close();
    }

    @Test
    void aRequestThatDoesNotCallVpsOrgTakesFromTheRateButHoldsNoSlot() {
        AdmitTeamRequestUseCase.Admission calling = admissions.admit(BLUE, true);

        AdmitTeamRequestUseCase.Admission waiting = admissions.admit(BLUE, false);

        assertThatThrownBy(() -> admissions.admit(BLUE, false)).isInstanceOfSatisfying(FairShareExceeded.class,
                refused -> assertThat(refused.reason()).isEqualTo(ReasonCode.TEAM_RATE_LIMITED));
        waiting.close();
        calling.close();
    }
}
