package org.vpsrecovery.application.operation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.SPARE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.job.RunBudget;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.domain.operation.OperationState;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.testing.ForwardingSnapshotProvider;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

/** VPS.org's rate limit is the account's: a 429 ends the tracker's round (ADR 0024, amended in session 51). */
class TrackOperationsThrottledTest {

    private final PlatformFixture platform = new PlatformFixture();

    @Test
    void aRateLimitEndsTheRoundAndWhatItDidNotReachStaysDue() {
        for (ServerId server : List.of(WEB, SPARE)) {
            platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(BLUE), server,
                    new SnapshotName("on-" + server.value()), Optional.empty()));
        }
        List<ServerId> asked = new CopyOnWriteArrayList<>();
        TrackOperationsService tracker = new TrackOperationsService(platform.operations,
                new ForwardingSnapshotProvider(platform.provider) {
                    @Override
                    public List<Snapshot> listSnapshots(Optional<ServerId> server) {
                        asked.add(server.orElseThrow());
                        throw new ProviderFailure(ProviderFailure.Kind.RATE_LIMITED, "VPS.org 429", OptionalInt.of(429),
                                Optional.of(Duration.ofSeconds(60)), null);
                    }
                }, platform.provider, platform.history, platform.auditWriter, new InMemoryServerLock(Duration.ofSeconds(5)),
                platform.clock, new TrackOperationsService.Settings(Duration.ofSeconds(5), Duration.ofMinutes(1), 200,
                Duration.ZERO));
        platform.clock.advance(Duration.ofMinutes(1));

        TrackOperationsService.Round round = tracker.round(RunBudget.UNBOUNDED);

        assertThat(asked).as("the second server is not asked after the first's 429").hasSize(1);
        assertThat(round.throttledFor()).contains(Duration.ofSeconds(60));
        assertThat(round.leftByBudget()).as("not a round its budget cut short").isEmpty();
        assertThat(platform.operations.openByServer(platform.clock.instant(), 200).values().stream()
                .flatMap(List::stream).map(o -> o.state())).containsOnly(OperationState.IN_PROGRESS).hasSize(2);
    }
}
