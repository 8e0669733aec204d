package org.vpsrecovery.adapters.http.provider;

import java.time.Duration;
import java.util.List;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.port.contract.ProviderAccount;
import org.vpsrecovery.domain.port.contract.ProviderLimitsContract;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.simulator.Seed;
import org.vpsrecovery.simulator.SimulatorClock;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * The provider contract, limits included, against the real client talking to the simulator over
 * loopback HTTP: the simulator seeded with the contract's account (not shifted), its clock standing
 * at the account's moment, creations completing and restores ending within the documented times.
 */
class VpsOrgClientContractTest extends ProviderLimitsContract {

    /** Within the documented 3 to 10 minutes, and the 5 to 15 minutes of a restore. */
    private static final Duration COMPLETION = Duration.ofMinutes(5);
    private static final Duration RESTORE = Duration.ofMinutes(10);
    private static final long DISK_USED_MB = 5000;

    private SimulatedVpsOrg vpsOrg;

    @Override
    protected ProviderUnderTest open(ProviderAccount account) {
        SimulatorClock clock = SimulatorClock.fixedAt(account.asOf());
        vpsOrg = SimulatedVpsOrg.start(options -> options.withSeed(seed(account), false).withClock(clock)
                .withDelays(COMPLETION, RESTORE), settings -> settings);
        return new ProviderUnderTest(vpsOrg.client, vpsOrg.client, clock::advance);
    }

    @Override
    protected void close() {
        vpsOrg.close();
    }

    /** The account in the simulator's own terms: VPS.org's words, as the simulator keeps them. */
    private static Seed seed(ProviderAccount account) {
        return new Seed(account.asOf(), List.of(new Seed.AccountSeed(VpsOrgSimulator.DEMO_TOKEN,
                account.servers().stream().map(s -> new Seed.ServerSeed(s.id().value(), s.name(), "running", DISK_USED_MB)).toList(),
                account.snapshots().stream().map(VpsOrgClientContractTest::seed).toList(),
                account.backups().stream().map(VpsOrgClientContractTest::seed).toList())));
    }

    private static Seed.SnapshotSeed seed(Snapshot s) {
        return new Seed.SnapshotSeed(s.id().value(), s.server().id().value(), s.name(), s.status().label(),
                s.sizeMb().isPresent() ? s.sizeMb().getAsLong() : null, s.createdAt(), s.description());
    }

    private static Seed.BackupSeed seed(Backup b) {
        return new Seed.BackupSeed(b.id().value(), b.server().id().value(), b.type().label(), b.status().label(),
                b.sizeMb().isPresent() ? b.sizeMb().getAsLong() : null, b.createdAt(), b.expiresAt().orElse(null),
                b.description());
    }
}
