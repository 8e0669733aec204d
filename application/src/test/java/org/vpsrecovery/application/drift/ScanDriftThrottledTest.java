package org.vpsrecovery.application.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.GREEN;
import static org.vpsrecovery.application.PlatformFixture.SPARE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.provider.ProviderAnswersOnTheAskedServer;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.testing.ForwardingSnapshotProvider;
import org.vpsrecovery.domain.testing.InMemoryDriftRecords;
import org.vpsrecovery.domain.testing.InMemoryServerLock;

/**
 * VPS.org's rate limit is the account's: once it answers a round's list 429, every later server's would be refused
 * too, each call spending more of the limit (ADR 0035, amended in session 51).
 */
class ScanDriftThrottledTest {

    private final PlatformFixture platform = new PlatformFixture();
    /** The servers whose snapshots were listed, in order. */
    private final List<ServerId> asked = new ArrayList<>();
    private volatile boolean throttleSpare = true;

    private ScanDriftService scanner() {
        SnapshotProvider snapshots = new ForwardingSnapshotProvider(platform.provider) {
            @Override
            public List<Snapshot> listSnapshots(Optional<ServerId> server) {
                asked.add(server.orElseThrow());
                if (throttleSpare && server.get().equals(SPARE)) {
                    throw new ProviderFailure(ProviderFailure.Kind.RATE_LIMITED, "VPS.org 429", OptionalInt.of(429),
                            Optional.of(Duration.ofSeconds(60)), null);
                }
                return platform.provider.listSnapshots(server);
            }
        };
        return new ScanDriftService(() -> Set.of(BLUE, GREEN), platform.ownership,
                new ProviderAnswersOnTheAskedServer(snapshots, platform.provider),
                new ProviderAnswersOnTheAskedServer(platform.provider, platform.provider), platform.history,
                platform.auditWriter, platform.operations, new InMemoryDriftRecords(),
                new InMemoryServerLock(Duration.ofSeconds(5)), platform.clock, ScanDriftServiceTest.STUCK_AFTER);
    }

    @Test
    void aRateLimitEndsTheRoundAndTheNextStartsAtTheThrottledServer() {
        ScanDriftService scanner = scanner();

        ScanDriftService.Round round = scanner.scan(Optional.empty(), 10, ScanDriftServiceTest.NO_PAUSE);

        // WEB scanned, SPARE refused: GREEN_SERVER is not asked, and the cursor stays on WEB.
        assertThat(asked).containsExactly(WEB, SPARE);
        assertThat(round.scanned()).isEqualTo(1);
        assertThat(round.passedOver()).isZero();
        assertThat(round.lastServer()).contains(WEB.value());
        assertThat(round.leftByBudget()).isZero();
        assertThat(round.throttledFor()).contains(Duration.ofSeconds(60));

        asked.clear();
        throttleSpare = false;
        ScanDriftService.Round next = scanner.scan(round.lastServer(), 1, ScanDriftServiceTest.NO_PAUSE);
        assertThat(asked).containsExactly(SPARE);
        assertThat(next.throttledFor()).isEmpty();
    }
}
