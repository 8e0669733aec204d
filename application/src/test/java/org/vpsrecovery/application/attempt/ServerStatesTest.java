package org.vpsrecovery.application.attempt;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.recoverypoint.kind.PolicyCheck;
import org.vpsrecovery.application.snapshot.TeamSnapshots;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.testing.AdjustableClock;
import org.vpsrecovery.domain.testing.FixedServerOwnership;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryRecoveryOperations;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPointHolds;
import org.vpsrecovery.domain.testing.InMemoryVpsOrg;

class ServerStatesTest {

    private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
    private static final TeamId BLUE = new TeamId("blue");
    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web");
    private static final ServerRef DB = new ServerRef(new ServerId(23456), "db");

    private final AdjustableClock clock = new AdjustableClock(T0);
    private final InMemoryRecoveryOperations stored = new InMemoryRecoveryOperations();
    /** The operations' methods the platform called, by name (a default method's own calls stay inside it). */
    private final List<String> calls = new ArrayList<>();
    private final RecoveryOperations operations = (RecoveryOperations) Proxy.newProxyInstance(
            RecoveryOperations.class.getClassLoader(), new Class<?>[] {RecoveryOperations.class}, (proxy, method, args) -> {
                calls.add(method.getName());
                try {
                    return method.invoke(stored, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private final ServerStates servers = new ServerStates(operations, new InMemoryAuditHistory(stored), clock,
            ServerStates.DOCUMENTED_RESTORE_WINDOW);

    private RecoveryOperation restore(ServerRef target, ResourceRef point, Instant at) {
        RecoveryOperation restore = RecoveryOperation.accepted(OperationId.random(), BLUE, new RequestId("r-" + at),
                Operation.RESTORE_SNAPSHOT, target.id(), Optional.of(point), at, Duration.ofMinutes(15));
        stored.add(restore);
        return restore;
    }

    /** A delete's check reads the live restores once, for the server and the point together (ADR 0120). */
    @Test
    void aDeletesCheckReadsTheLiveRestoresOnceAndARestoreReadingThePointStillRefusesIt() {
        InMemoryVpsOrg vpsOrg = new InMemoryVpsOrg(clock);
        Snapshot point = vpsOrg.addSnapshot(801, WEB, CreationStatus.COMPLETED);
        vpsOrg.addSnapshot(802, WEB, CreationStatus.COMPLETED);
        TeamSnapshots snapshots = new TeamSnapshots(vpsOrg, new FixedServerOwnership(Map.of(BLUE, Set.of(WEB.id()))));
        restore(DB, ResourceRef.of(point.id()), T0);
        clock.advance(Duration.ofSeconds(30));

        Decision held = PolicyCheck.firstRefusal(snapshots.deletionChecks(point, WEB, servers, new InMemoryRecoveryPointHolds(), BLUE));

        assertThat(held).isInstanceOf(Decision.Denied.class);
        assertThat(calls).containsExactly("liveRestoresOfServerOrPoint");
        calls.clear();
        Snapshot other = vpsOrg.snapshot(new org.vpsrecovery.domain.snapshot.SnapshotId(802)).orElseThrow();
        assertThat(PolicyCheck.firstRefusal(snapshots.deletionChecks(other, WEB, servers, new InMemoryRecoveryPointHolds(), BLUE)))
                .isNotInstanceOf(Decision.Denied.class);
        assertThat(calls).containsExactly("liveRestoresOfServerOrPoint");
    }

    /** The one read answers as the two reads alone: the server's newest hold, and the holds on the point. */
    @Test
    void theServerAndThePointsHoldsFromOneReadAreWhatEachReadAloneAnswers() {
        ResourceRef point = ResourceRef.of(new org.vpsrecovery.domain.snapshot.SnapshotId(801));
        ResourceRef elsewhere = ResourceRef.of(new org.vpsrecovery.domain.snapshot.SnapshotId(901));
        restore(WEB, elsewhere, T0);
        restore(DB, point, T0.plusSeconds(1));
        restore(WEB, point, T0.plusSeconds(2));
        restore(DB, elsewhere, T0.plusSeconds(3));
        clock.advance(Duration.ofSeconds(30));

        ServerStates.ServerAndHolds both = servers.currentAndHoldsOn(WEB, point);

        assertThat(both).isEqualTo(new ServerStates.ServerAndHolds(servers.current(WEB), servers.holdsOn(point)));
        assertThat(both.holds()).hasSize(2);
        assertThat(servers.currentAndHoldsOn(DB, elsewhere))
                .isEqualTo(new ServerStates.ServerAndHolds(servers.current(DB), servers.holdsOn(elsewhere)));
        clock.advance(Duration.ofMinutes(15));
        assertThat(servers.currentAndHoldsOn(WEB, point))
                .isEqualTo(new ServerStates.ServerAndHolds(servers.current(WEB), List.of()));
    }
}
