package org.vpsrecovery.application.audit;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamDirectory;
import org.vpsrecovery.domain.report.RecoverabilityReport;
import org.vpsrecovery.domain.report.RecoveryActivity;
import org.vpsrecovery.domain.report.ServerRecoverability;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;

/**
 * The provider's current state (one listing of all snapshots and one of all backups, whatever the
 * number of servers) joined with the audit history's last completed create and restore per server:
 * each server under the team that owns it now, with that team's own activity on it (an auditor: every team's).
 */
public final class ReportRecoverabilityService implements ReportRecoverabilityUseCase {

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final ServerOwnership ownership;
    private final TeamDirectory teams;
    private final AuditReports reports;
    private final Clock clock;
    private final AuditReadSlots slots;

    public ReportRecoverabilityService(SnapshotProvider snapshots, BackupProvider backups, ServerOwnership ownership,
                                       TeamDirectory teams, AuditReports reports, Clock clock, AuditReadSlots slots) {
        this.slots = Objects.requireNonNull(slots, "slots");
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.ownership = Objects.requireNonNull(ownership, "ownership");
        this.teams = Objects.requireNonNull(teams, "teams");
        this.reports = Objects.requireNonNull(reports, "reports");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public RecoverabilityReport reportRecoverability(AuditReader reader, Duration expiringWithin) {
        Objects.requireNonNull(expiringWithin, "expiring within");
        if (expiringWithin.isNegative() || expiringWithin.compareTo(MAX_EXPIRING_WITHIN) > 0) {
            throw new IllegalArgumentException("expiring within must be 0-" + MAX_EXPIRING_WITHIN.toDays() + " days");
        }
        // Two whole lists at VPS.org (auditors are outside the teams' fair share) and the servers' history.
        return slots.read(reader, () -> report(reader, expiringWithin));
    }

    private RecoverabilityReport report(AuditReader reader, Duration expiringWithin) {
        Map<ServerId, TeamId> owners = new LinkedHashMap<>();
        List<TeamId> visible = reader.onlyTeam().map(List::of)
                .orElseGet(() -> teams.teams().stream().sorted(Comparator.comparing(TeamId::value)).toList());
        for (TeamId team : visible) {
            ownership.serversOf(team).stream().sorted(Comparator.comparingLong(ServerId::value))
                    .forEach(server -> owners.put(server, team));
        }
        Instant now = clock.instant();
        if (owners.isEmpty()) {
            return new RecoverabilityReport(now, expiringWithin, List.of());
        }
        // Read consistently: a point left out of a list joined from pages would report a server without the recovery point
        // it has (ADR 0010, amended in session 38). Each list within its own deadline: a list of several pages is read
        // twice at least, and the report holds no key nor call slot sized on one list's time (session 39, review).
        List<Snapshot> allSnapshots = snapshots.listSnapshotsConsistently(Optional.empty(),
                ConsistentListBound.oneDeadlineForOneList());
        List<Backup> allBackups = backups.listBackupsConsistently(Optional.empty(), Optional.empty(),
                ConsistentListBound.oneDeadlineForOneList());
        // A team's report counts its own events only: a server the teams file moved to it keeps the former owner's
        // creates and restores, filed under that team, which are not this team's to read. An auditor reads every team's,
        // so its report shows the server's whole activity (ADR 0020, amended in session 39).
        Map<ServerId, RecoveryActivity> activity = reports.recoveryActivity(owners.keySet(), reader.onlyTeam());
        List<ServerRecoverability> report = new ArrayList<>(owners.size());
        owners.forEach((server, team) -> report.add(ServerRecoverability.of(server, team, allSnapshots, allBackups,
                activity.getOrDefault(server, RecoveryActivity.none(server)), now, expiringWithin)));
        return new RecoverabilityReport(now, expiringWithin, report);
    }
}
