package org.vpsrecovery.bootstrap;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.drift.ListDriftUseCase;
import org.vpsrecovery.application.drift.ReadDriftService;
import org.vpsrecovery.application.drift.ScanDriftService;
import org.vpsrecovery.application.provider.SharedListReads;
import org.vpsrecovery.domain.port.DriftRecords;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.ServerLock;

/** Drift detection's use cases (ADR 0035). */
@Factory
public class DriftFactory {

    /** Reads VPS.org through the metered provider and the history through the metered one, as every other read does. */
    @Singleton
    ScanDriftService scanDrift(ConfiguredTeams teams, SharedListReads provider, MeteredAuditHistory history, AuditWriter writer,
                               RecoveryOperations operations, DriftRecords drifts, ServerLock lock, Clock clock,
                               @Value("${vpsr.drift.stuck-after:2h}") Duration stuckAfter,
                               @Value("${vpsr.drift.kept-attempts:100000}") int keptAttempts, MeterRegistry registry,
                               org.vpsrecovery.domain.port.ChainCheckpoints checkpoints) {
        if (keptAttempts < 0) {
            throw new StartupRefused("vpsr.drift.kept-attempts must not be negative, was " + keptAttempts);
        }
        // Every scan compares against it: a wrong one would fail each scan, not the start.
        ScanDriftService scan = new ScanDriftService(teams, teams, provider, provider, history, writer, operations,
                drifts, lock, clock, StartupRefused.unlessPositive("vpsr.drift.stuck-after", stuckAfter), keptAttempts,
                // The checkpoints' cut says when the platform's own work was lost (ADR 0035, amended in session 52).
                new org.vpsrecovery.application.drift.CheckpointsLostWork(checkpoints));
        // Built at start (the cluster jobs' drift scan): each series is there at 0 (ADR 0035, amended in session 51).
        for (ScanDriftService.PassedOver why : ScanDriftService.PassedOver.values()) {
            FunctionCounter.builder("vpsr.drift.servers.passed_over", scan, s -> s.serversPassedOver(why))
                    .description("Servers the drift scan passed over in a round on this instance, by why: a later "
                            + "release's row among their create and delete events, or their scan failed (the lock busy, "
                            + "VPS.org or the database failing)")
                    .tag("why", why.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        return scan;
    }

    @Singleton
    ListDriftUseCase listDrift(DriftRecords drifts) {
        return new ReadDriftService(drifts);
    }
}
