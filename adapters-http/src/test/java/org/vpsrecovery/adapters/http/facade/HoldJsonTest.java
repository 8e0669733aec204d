package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A hold placed for the server's former owner, shown to the owner a teams-file move gave the server to: what the hold
 * does, not whose it was nor why (ADR 0029, amended in session 48; as a restore's hold after a move, ADR 0026).
 */
class HoldJsonTest {

    private static final TeamId BLUE = new TeamId("blue");
    private static final HoldActor BLUE_TEAM = new HoldActor.Team(BLUE);
    private static final String REASON = "payments incident 4711: ledger corruption";
    private static final Instant PLACED = Instant.parse("2026-12-05T10:00:00Z");
    private static final RecoveryPointHold RELEASED = RecoveryPointHold.place(
                    new HoldId(UUID.fromString("0193a1b2-0000-7000-8000-000000000001")), BLUE, new ServerId(12345),
                    new ResourceRef(ResourceRef.Type.SNAPSHOT, 801), new HoldReason(REASON), BLUE_TEAM, PLACED)
            .releasedBy(BLUE_TEAM, PLACED.plusSeconds(60));

    @Test
    void theNewOwnerIsShownTheHoldButNeitherTheFormerOwnerNorItsReason() {
        HoldJson json = HoldJson.of(RELEASED, new HoldActor.Team(new TeamId("green")));

        assertThat(json.team()).isNull();
        assertThat(json.reason()).isNull();
        assertThat(json.placedBy()).isEqualTo(HoldJson.FORMER_OWNER);
        assertThat(json.releasedBy()).isEqualTo(HoldJson.FORMER_OWNER);
        assertThat(json.kind()).isEqualTo("team");
        assertThat(json.active()).isFalse();
        assertThat(json.releasedAt()).isEqualTo("2026-12-05T10:01:00Z");
        assertThat(json.toString()).doesNotContain("blue").doesNotContain("4711");
    }

    @Test
    void theTeamItWasPlacedForAndAuditorsAreShownTheWholeHold() {
        for (HoldActor asker : new HoldActor[] {BLUE_TEAM, new HoldActor.Auditor("compliance")}) {
            HoldJson json = HoldJson.of(RELEASED, asker);

            assertThat(json.team()).isEqualTo("blue");
            assertThat(json.reason()).isEqualTo(REASON);
            assertThat(json.placedBy()).isEqualTo("team:blue");
            assertThat(json.releasedBy()).isEqualTo("team:blue");
        }
    }

    @Test
    void anAuditorsLegalHoldOnTheFormerOwnersPointNamesTheAuditorButNotTheTeamOrReason() {
        HoldActor auditor = new HoldActor.Auditor("compliance");
        RecoveryPointHold legal = RecoveryPointHold.place(new HoldId(UUID.fromString("0193a1b2-0000-7000-8000-000000000002")),
                BLUE, new ServerId(12345), new ResourceRef(ResourceRef.Type.BACKUP, 499), new HoldReason(REASON), auditor,
                PLACED);

        HoldJson json = HoldJson.of(legal, new HoldActor.Team(new TeamId("green")));

        assertThat(json.kind()).isEqualTo("legal");
        assertThat(json.placedBy()).isEqualTo("auditor:compliance");
        assertThat(json.team()).isNull();
        assertThat(json.reason()).isNull();
    }
}
