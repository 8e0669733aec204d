package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vpsrecovery.bootstrap.TwoConfiguredTeams.PAYMENTS;
import static org.vpsrecovery.bootstrap.TwoConfiguredTeams.SEARCH;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Operation;

class ConfiguredApprovalsTest {

    private static ConfiguredApprovals approvals(Map<String, Object> extra) {
        return TwoConfiguredTeams.read(extra, ConfiguredApprovals::from);
    }

    @Test
    void offUnlessATeamNamesWhatWaitsForASecondPerson() {
        ConfiguredApprovals approvals = approvals(Map.of("vpsr.teams.payments.approval-required", "delete"));

        assertThat(approvals.timeLimit(PAYMENTS, Operation.DELETE_SNAPSHOT)).contains(Duration.ofHours(1));
        assertThat(approvals.timeLimit(PAYMENTS, Operation.DELETE_BACKUP)).contains(Duration.ofHours(1));
        assertThat(approvals.timeLimit(PAYMENTS, Operation.RESTORE_SNAPSHOT)).isEmpty();
        assertThat(approvals.timeLimit(PAYMENTS, Operation.CREATE_SNAPSHOT)).isEmpty();
        for (Operation kind : Operation.values()) {
            assertThat(approvals.timeLimit(SEARCH, kind)).isEmpty();
        }
    }

    @Test
    void restoresOfBothKindsAndATimeLimitOfTheTeamsOwn() {
        ConfiguredApprovals approvals = approvals(Map.of("vpsr.teams.payments.approval-required", "restore, delete",
                "vpsr.teams.payments.approval-time-limit", "30m", "vpsr.teams.search.approval-required", "restore",
                "vpsr.teams.search.approval-time-limit", "PT2H"));

        assertThat(approvals.timeLimit(PAYMENTS, Operation.RESTORE_SERVER_FROM_BACKUP)).contains(Duration.ofMinutes(30));
        assertThat(approvals.timeLimit(PAYMENTS, Operation.DELETE_SNAPSHOT)).contains(Duration.ofMinutes(30));
        assertThat(approvals.timeLimit(SEARCH, Operation.RESTORE_SNAPSHOT)).contains(Duration.ofHours(2));
        assertThat(approvals.timeLimit(SEARCH, Operation.DELETE_BACKUP)).isEmpty();
    }

    @Test
    void holdReleasesAndPolicyChangesWaitWhenTheTeamSays() {
        ConfiguredApprovals approvals = approvals(Map.of("vpsr.teams.payments.approval-required", "hold-release, policy-change",
                "vpsr.teams.search.approval-required", "policy-change"));

        assertThat(approvals.timeLimit(PAYMENTS, Operation.RELEASE_RECOVERY_POINT_HOLD)).contains(Duration.ofHours(1));
        for (Operation kind : List.of(Operation.CREATE_POLICY, Operation.UPDATE_POLICY, Operation.DELETE_POLICY)) {
            assertThat(approvals.timeLimit(PAYMENTS, kind)).contains(Duration.ofHours(1));
            assertThat(approvals.timeLimit(SEARCH, kind)).contains(Duration.ofHours(1));
        }
        assertThat(approvals.timeLimit(SEARCH, Operation.RELEASE_RECOVERY_POINT_HOLD)).isEmpty();
        assertThat(approvals.timeLimit(PAYMENTS, Operation.DELETE_SNAPSHOT)).isEmpty();
    }

    @Test
    void misspeltOrUnbuiltWordsAndUnreadableLimitsAreRefusedByName() {
        assertThatThrownBy(() -> approvals(Map.of("vpsr.teams.payments.approval-required", "delet")))
                .hasMessageContaining("vpsr.teams.payments.approval-required must name some of restore, delete, "
                        + "hold-release, policy-change, was delet");
        assertThatThrownBy(() -> approvals(Map.of("vpsr.teams.payments.approval-required", "hold-releases")))
                .hasMessageContaining("was hold-releases");
        assertThatThrownBy(() -> approvals(Map.of("vpsr.teams.payments.approval-required", "delete",
                "vpsr.teams.payments.approval-time-limit", "soon")))
                .hasMessageContaining("vpsr.teams.payments.approval-time-limit must be a duration");
        assertThatThrownBy(() -> approvals(Map.of("vpsr.teams.payments.approval-required", "delete",
                "vpsr.teams.payments.approval-time-limit", "30d")))
                .hasMessageContaining("must be from 1s to 7d");
        assertThatThrownBy(() -> approvals(Map.of("vpsr.teams.payments.aproval-required", "delete")))
                .hasMessageContaining("vpsr.teams.payments.aproval-required is not a team setting");
    }
}
