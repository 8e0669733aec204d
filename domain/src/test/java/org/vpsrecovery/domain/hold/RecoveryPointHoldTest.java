package org.vpsrecovery.domain.hold;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

class RecoveryPointHoldTest {

    static final TeamId BLUE = new TeamId("blue");
    static final HoldActor TEAM = new HoldActor.Team(BLUE);
    static final HoldActor OTHER_TEAM = new HoldActor.Team(new TeamId("green"));
    static final HoldActor AUDITOR = new HoldActor.Auditor("compliance");
    static final ResourceRef SNAPSHOT = new ResourceRef(ResourceRef.Type.SNAPSHOT, 801);
    static final ResourceRef BACKUP = new ResourceRef(ResourceRef.Type.BACKUP, 801);
    static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

    static RecoveryPointHold hold(HoldActor by, ResourceRef point) {
        return RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, new ServerId(12345), point,
                new HoldReason("incident 42"), by, AT);
    }

    @Test
    void aHeldPointIsRefusedUntilEveryHoldOnItIsReleased() {
        RecoveryPointHold first = hold(TEAM, SNAPSHOT);
        RecoveryPointHold legal = hold(AUDITOR, SNAPSHOT);

        Decision both = RecoveryPointHeldPolicy.evaluate(SNAPSHOT, List.of(first, legal));
        assertThat(both).isInstanceOfSatisfying(Decision.Denied.class, d -> {
            assertThat(d.reason()).isEqualTo(ReasonCode.RECOVERY_POINT_HELD);
            assertThat(d.detail()).contains(first.id().toString(), legal.id() + " (legal)").doesNotContain("incident 42");
        });
        RecoveryPointHold firstReleased = first.releasedBy(TEAM, AT.plusSeconds(60));
        assertThat(RecoveryPointHeldPolicy.evaluate(SNAPSHOT, List.of(firstReleased, legal)).isAllowed()).isFalse();
        RecoveryPointHold legalReleased = legal.releasedBy(AUDITOR, AT.plusSeconds(120));
        assertThat(RecoveryPointHeldPolicy.evaluate(SNAPSHOT, List.of(firstReleased, legalReleased)).isAllowed()).isTrue();
    }

    @Test
    void aHoldKeepsOnlyItsOwnPointASnapshotAndABackupOfTheSameIdAreDifferentPoints() {
        assertThat(RecoveryPointHeldPolicy.evaluate(BACKUP, List.of(hold(TEAM, SNAPSHOT))).isAllowed()).isTrue();
        assertThat(RecoveryPointHeldPolicy.evaluate(SNAPSHOT, List.of()).isAllowed()).isTrue();
    }

    @Test
    void aLegalHoldIsReleasedByAuditorsOnlyAndATeamHoldByItsTeamOnly() {
        RecoveryPointHold legal = hold(AUDITOR, SNAPSHOT);
        assertThat(legal.kind()).isEqualTo(HoldKind.LEGAL);
        assertThat(legal.releasableBy(TEAM)).isInstanceOfSatisfying(Decision.Denied.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.LEGAL_HOLD_NOT_RELEASABLE));
        assertThat(legal.releasableBy(new HoldActor.Auditor("another-auditor")).isAllowed()).isTrue();

        RecoveryPointHold own = hold(TEAM, SNAPSHOT);
        assertThat(own.kind()).isEqualTo(HoldKind.TEAM);
        assertThat(own.releasableBy(TEAM).isAllowed()).isTrue();
        assertThat(own.releasableBy(AUDITOR)).isInstanceOfSatisfying(Decision.Denied.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.FORBIDDEN_FOR_ROLE));
        assertThat(own.releasableBy(OTHER_TEAM).isAllowed()).isFalse();
        // The server's owner now, after a teams-file move, releases a team's hold placed before it.
        assertThat(own.releasableBy(OTHER_TEAM, ((HoldActor.Team) OTHER_TEAM).team()).isAllowed()).isTrue();
        assertThat(own.releasableBy(TEAM, ((HoldActor.Team) OTHER_TEAM).team()).isAllowed()).isFalse();
        assertThatThrownBy(() -> legal.releasedBy(TEAM, AT.plusSeconds(1))).isInstanceOf(RecoveryDenied.class);
    }

    @Test
    void aReleasedHoldIsNotReleasedTwice() {
        RecoveryPointHold released = hold(TEAM, SNAPSHOT).releasedBy(TEAM, AT.plusSeconds(5));
        assertThat(released.isActive()).isFalse();
        assertThat(released.release()).hasValueSatisfying(r -> assertThat(r.by()).isEqualTo(TEAM));
        assertThat(released.releasableBy(TEAM)).isInstanceOfSatisfying(Decision.Denied.class,
                d -> assertThat(d.reason()).isEqualTo(ReasonCode.HOLD_ALREADY_RELEASED));
    }

    /**
     * The refusal of a released hold is filed under the server's owner, so it names the releaser as that team is told
     * it, also when an auditor (told everyone) asked: after a move, not the former owner (ADR 0029, amended in session 48).
     */
    @Test
    void aReleasedHoldsRefusalNamesTheReleaserAsTheServersOwnerIsToldIt() {
        RecoveryPointHold released = hold(TEAM, SNAPSHOT).releasedBy(TEAM, AT.plusSeconds(5));
        TeamId green = ((HoldActor.Team) OTHER_TEAM).team();

        assertThat(released.releasableBy(AUDITOR, green)).isInstanceOfSatisfying(Decision.Denied.class,
                d -> assertThat(d.detail()).doesNotContain("blue").endsWith("by the server's former owner"));
        assertThat(released.releasableBy(AUDITOR, BLUE)).isInstanceOfSatisfying(Decision.Denied.class,
                d -> assertThat(d.detail()).endsWith("by team:blue"));
        assertThat(RecoveryPointHold.actorNamedIn(AUDITOR, green)).isEqualTo("auditor:compliance");
    }

    /**
     * Released on an instance whose clock is behind the one that placed it (within the skew): released at the time it
     * was placed, as a drift is resolved (it cannot have ended before it began), not refused as a broken value, which
     * the release's attempt took for a store failure and audited UNRESOLVED.
     */
    @Test
    void aReleaseDatedBeforeThePlacingByAnotherInstancesClockIsReleasedAtThePlacing() {
        RecoveryPointHold released = hold(TEAM, SNAPSHOT).releasedBy(TEAM, AT.minusMillis(20));
        assertThat(released.isActive()).isFalse();
        assertThat(released.release()).hasValueSatisfying(r -> assertThat(r.at()).isEqualTo(AT));
        assertThat(hold(TEAM, SNAPSHOT).releasedBy(TEAM, AT.plusSeconds(5)).release())
                .hasValueSatisfying(r -> assertThat(r.at()).isEqualTo(AT.plusSeconds(5)));
    }

    @Test
    void valuesRefuseWhatTheyCannotBe() {
        assertThatThrownBy(() -> new HoldReason(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HoldReason("line\nbreak")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HoldReason("x".repeat(HoldReason.MAX_LENGTH + 1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, new ServerId(1), SNAPSHOT,
                new HoldReason("r"), OTHER_TEAM, AT)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HoldId.parse("not-a-uuid")).isInstanceOf(IllegalArgumentException.class);
        assertThat(HoldActor.parse(AUDITOR.wireName())).isEqualTo(AUDITOR);
        assertThat(HoldActor.parse(TEAM.wireName())).isEqualTo(TEAM);
        assertThatThrownBy(() -> HoldActor.parse("robot:x")).isInstanceOf(IllegalArgumentException.class);
    }
}
