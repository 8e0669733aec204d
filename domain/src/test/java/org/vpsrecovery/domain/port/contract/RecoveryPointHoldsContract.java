package org.vpsrecovery.domain.port.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.server.ServerId;

/** What every {@link RecoveryPointHolds} does, in memory or in PostgreSQL. */
public abstract class RecoveryPointHoldsContract {

    protected abstract RecoveryPointHolds emptyHolds();

    static final TeamId BLUE = new TeamId("blue");
    static final HoldActor TEAM = new HoldActor.Team(BLUE);
    static final HoldActor AUDITOR = new HoldActor.Auditor("compliance");
    static final ResourceRef SNAPSHOT = new ResourceRef(ResourceRef.Type.SNAPSHOT, 801);
    static final ResourceRef BACKUP = new ResourceRef(ResourceRef.Type.BACKUP, 499);
    static final Instant AT = Instant.parse("2026-11-30T10:00:00Z");

    static RecoveryPointHold hold(HoldActor by, ResourceRef point, Instant at) {
        return RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, new ServerId(12345), point,
                new HoldReason("incident 42 — keep"), by, at);
    }

    @Test
    void aPlacedHoldReadsBackAsPlacedAndIsActiveOnItsPointOnly() {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold placed = hold(AUDITOR, SNAPSHOT, AT);
        holds.place(placed);

        assertThat(holds.find(placed.id())).contains(placed);
        assertThat(holds.activeOn(SNAPSHOT)).containsExactly(placed);
        assertThat(holds.activeOn(BACKUP)).isEmpty();
        assertThat(holds.heldAmong(List.of(SNAPSHOT, BACKUP))).containsExactly(SNAPSHOT);
        assertThat(holds.find(new HoldId(UUID.randomUUID()))).isEmpty();
    }

    @Test
    void aReleaseIsWrittenOnceAndTheHoldStaysListedAsReleased() {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold older = hold(TEAM, SNAPSHOT, AT);
        RecoveryPointHold newer = hold(TEAM, SNAPSHOT, AT.plusSeconds(60));
        holds.place(older);
        holds.place(newer);

        RecoveryPointHold released = older.releasedBy(TEAM, AT.plusSeconds(120));
        assertThat(holds.release(released)).isTrue();
        assertThat(holds.release(older.releasedBy(TEAM, AT.plusSeconds(180)))).isFalse();

        assertThat(holds.find(older.id())).contains(released);
        assertThat(holds.on(SNAPSHOT)).containsExactly(newer, released);
        assertThat(holds.activeOn(SNAPSHOT)).containsExactly(newer);
        assertThat(holds.release(newer.releasedBy(TEAM, AT.plusSeconds(240)))).isTrue();
        assertThat(holds.heldAmong(List.of(SNAPSHOT))).isEmpty();
    }

    @Test
    void aHoldIdIsPlacedOnce() {
        RecoveryPointHolds holds = emptyHolds();
        RecoveryPointHold placed = hold(TEAM, BACKUP, AT);
        holds.place(placed);
        assertThatThrownBy(() -> holds.place(placed)).isInstanceOf(RuntimeException.class);
    }
}
