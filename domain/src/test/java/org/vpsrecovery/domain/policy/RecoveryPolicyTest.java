package org.vpsrecovery.domain.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.RetentionCandidate.Maker;
import org.vpsrecovery.domain.server.ServerId;

/** Who made a point: the recorded create first, the name only where none is recorded (ADR 0036). */
class RecoveryPolicyTest {

    private static final Instant AT = Instant.parse("2026-11-30T03:00:00Z");

    private static RecoveryPolicy nightly() {
        return RecoveryPolicy.created(PolicyId.random(), new TeamId("blue"), new PolicySpec(PolicyServers.everyOwned(),
                PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("UTC")),
                new NameTemplate("nightly-{server_id}-{date}"), RetentionRules.keepAll()), AT);
    }

    @Test
    void aRecordedCreateSaysWhoMadeThePointWhateverItsName() {
        RecoveryPolicy policy = nightly();
        RecoveryPolicy other = nightly();
        RequestId run = policy.runRequest(new ServerId(12345), AT);

        assertThat(run.value()).isEqualTo("policy-run:" + policy.id() + ":12345:" + AT.getEpochSecond());
        assertThat(policy.makerOf("renamed-by-hand", Optional.of(run))).isEqualTo(Maker.POLICY);
        // Another policy with the same template, and a person naming a point as the template would: not this policy's.
        assertThat(policy.makerOf("nightly-12345-20261130", Optional.of(other.runRequest(new ServerId(12345), AT))))
                .isEqualTo(Maker.PERSON);
        assertThat(policy.makerOf("nightly-12345-20261130", Optional.of(new RequestId("req-7")))).isEqualTo(Maker.PERSON);
    }

    @Test
    void withNoCreateOnRecordTheNameDecides() {
        RecoveryPolicy policy = nightly();

        assertThat(policy.makerOf("nightly-12345-20261130", Optional.empty())).isEqualTo(Maker.POLICY);
        assertThat(policy.makerOf("pre-migration", Optional.empty())).isEqualTo(Maker.PERSON);
    }
}
