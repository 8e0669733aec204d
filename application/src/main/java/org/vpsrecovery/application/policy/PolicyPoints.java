package org.vpsrecovery.application.policy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionCandidate;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;

/**
 * A server's recovery points of a policy's kind as retention sees them, one reading for the plan, the
 * runs' rotation and retention, and the safety snapshot's rotation, so they never disagree. Snapshots,
 * or manual backups only (automatic ones are the provider's). Who made a point is read from the
 * platform's create that names it (its request id: this policy's run or not); only a point with no
 * recorded create is judged by its name (ADR 0036). Held: a live restore reads it, or a hold is on it.
 */
final class PolicyPoints {

    /** One listed point: what retention needs, and what a plan shows. */
    record Point(ResourceRef ref, String label, String status, Instant createdAt, boolean completed) {
    }

    private final SnapshotProvider snapshots;
    private final BackupProvider backups;
    private final RecoveryOperations operations;
    private final HeldRecoveryPoints held;

    PolicyPoints(SnapshotProvider snapshots, BackupProvider backups, RecoveryOperations operations,
                 RecoveryPointHolds holds, Clock clock) {
        this.snapshots = Objects.requireNonNull(snapshots, "snapshots");
        this.backups = Objects.requireNonNull(backups, "backups");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.held = new HeldRecoveryPoints(operations, holds, clock);
    }

    List<Point> listed(PolicyKind kind, ServerId server) {
        if (kind == PolicyKind.SNAPSHOT) {
            return snapshots.listSnapshots(Optional.of(server)).stream()
                    .map(s -> new Point(ResourceRef.of(s.id()), s.name(), s.status().label(), s.createdAt(), s.isCompleted()))
                    .toList();
        }
        return backups.listBackups(Optional.of(server), Optional.of(BackupType.Kind.MANUAL)).stream()
                .filter(Backup::isManual)
                .map(b -> new Point(ResourceRef.of(b.id()), b.description(), b.status().label(), b.createdAt(), b.isCompleted()))
                .toList();
    }

    /**
     * {@code servers}' points of {@code kind}, each server's list in the map (empty when it has none), from one list
     * read: the account's whole list, filtered here, when there is more than one server (the team's lists read it so
     * too). A read per server made a plan of a {@code servers: all} policy one VPS.org list per server, counted as one
     * request against the team's fair share (ADR 0037); the account's list is paged by the client, up to its bound.
     */
    Map<ServerId, List<Point>> listedOn(PolicyKind kind, List<ServerId> servers) {
        Map<ServerId, List<Point>> byServer = new LinkedHashMap<>();
        servers.forEach(server -> byServer.put(server, new ArrayList<>()));
        if (servers.isEmpty()) {
            return byServer;
        }
        Optional<ServerId> filter = servers.size() == 1 ? Optional.of(servers.get(0)) : Optional.empty();
        if (kind == PolicyKind.SNAPSHOT) {
            snapshots.listSnapshots(filter).forEach(s -> Optional.ofNullable(byServer.get(s.server().id())).ifPresent(
                    list -> list.add(new Point(ResourceRef.of(s.id()), s.name(), s.status().label(), s.createdAt(),
                            s.isCompleted()))));
        } else {
            backups.listBackups(filter, Optional.of(BackupType.Kind.MANUAL)).stream().filter(Backup::isManual)
                    .forEach(b -> Optional.ofNullable(byServer.get(b.server().id())).ifPresent(
                            list -> list.add(new Point(ResourceRef.of(b.id()), b.description(), b.status().label(),
                                    b.createdAt(), b.isCompleted()))));
        }
        return byServer;
    }

    /** The points as retention's candidates for {@code policy}: who made each, and whether it is held. */
    List<RetentionCandidate> candidates(RecoveryPolicy policy, List<Point> points) {
        List<ResourceRef> refs = points.stream().map(Point::ref).toList();
        Set<ResourceRef> heldNow = held.among(refs);
        Map<ResourceRef, RequestId> madeFor = creators(refs);
        return points.stream().map(p -> new RetentionCandidate(p.ref(), p.createdAt(), p.completed(),
                policy.makerOf(p.label(), Optional.ofNullable(madeFor.get(p.ref()))), heldNow.contains(p.ref()))).toList();
    }

    /** The request id of the platform's create that made each point, where one is recorded. */
    private Map<ResourceRef, RequestId> creators(List<ResourceRef> refs) {
        Map<ResourceRef, RequestId> found = new HashMap<>();
        if (refs.isEmpty()) {
            return found;
        }
        for (RecoveryOperation operation : operations.about(refs)) {
            if (operation.kind().isCreate()) {
                operation.resource().ifPresent(ref -> found.putIfAbsent(ref, operation.requestId()));
            }
        }
        return found;
    }
}
