package org.vpsrecovery.domain.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupDraft;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.contract.ProviderAccount;
import org.vpsrecovery.domain.port.contract.ProviderContract;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/** The fake holds to the provider contract, minus the limits, and its test controls do what they say. */
class InMemoryVpsOrgTest extends ProviderContract {

    private AdjustableClock clock;
    private InMemoryVpsOrg fake;

    @Override
    protected ProviderUnderTest open(ProviderAccount account) {
        clock = new AdjustableClock(account.asOf());
        fake = new InMemoryVpsOrg(clock);
        account.servers().forEach(server -> fake.addServer(server.id().value(), server.name()));
        account.snapshots().forEach(fake::addSnapshot);
        account.backups().forEach(fake::addBackup);
        return new ProviderUnderTest(fake, fake, clock::advance);
    }

    @Test
    void doesNotEnforceTheProvidersLimitsSoThatTestsProveThePlatformDoes() {
        for (int i = 0; i < 6; i++) {
            snapshots.createSnapshot(new SnapshotDraft(WEB.id(), new SnapshotName("s" + i), Optional.empty()));
        }
        for (int i = 0; i < 11; i++) {
            backups.createManualBackup(new BackupDraft(WEB.id(), Optional.empty()));
        }

        assertThat(fake.snapshotCount(WEB.id())).isEqualTo(8);
        assertThat(fake.manualBackupCount(WEB.id())).isEqualTo(12);
    }

    @Test
    void aCreationKeepsTheStatusItWasGiven() {
        clock.advance(Duration.ofDays(1));

        assertThat(snapshots.listSnapshots(Optional.of(DB.id()))).containsExactlyInAnyOrder(DB_MAKING, DB_FAILED);
    }

    @Test
    void failNextCallWithFailsExactlyTheNextCall() {
        fake.failNextCallWith(new ProviderFailure(Kind.UNAVAILABLE, "down"));

        assertThat(failure(() -> snapshots.listSnapshots(Optional.empty())).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(snapshots.listSnapshots(Optional.empty())).hasSize(4);
        assertThat(fake.calls()).containsExactly("list snapshots", "list snapshots");
    }

    @Test
    void aLostAnswerStillLeavesTheMutationDone() {
        fake.loseNextMutationAnswer();

        assertThat(failure(() -> snapshots.deleteSnapshot(WEEKLY.id())).kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
        assertThat(fake.snapshot(WEEKLY.id())).isEmpty();
        assertThat(snapshots.listSnapshots(Optional.of(WEB.id()))).containsExactly(PRE_MIGRATION);
    }

    @Test
    void expiredBackupsStayListedWhenATestAsks() {
        fake.keepListingExpiredBackups();
        clock.advance(Duration.ofDays(400));

        assertThat(backups.listBackups(Optional.empty(), Optional.empty())).contains(DAILY, OLDER_DAILY);
    }
}
