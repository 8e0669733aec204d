package org.vpsrecovery.domain.drift;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ProviderClock;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

/**
 * One server's drift, judged from what VPS.org lists now against what the audit history says the
 * platform did (ADR 0035). Pure: no clock (now is given), no I/O, the same answer for the inputs in any
 * order. Each (point, kind) is detected once ever: {@code recorded} holds the drifts already on record
 * for the server, open or not.
 *
 * <p>Never drift: a point an open operation of the platform follows ({@code tracked}: a create or
 * delete in flight is the tracker's), and a listed point whose name matches a create whose point is not
 * known yet (its answer was lost; reconciliation names it).
 *
 * @param sightings the automatic backups the previous scan saw: the only memory of them, since no
 *                  event of the platform names them; one an open operation follows is remembered until judged
 * @param stuckAfter how long a point may stay in progress before it is reported stuck
 */
public record DriftScan(TeamId team, ServerId server, List<ListedPoint> listed, AuditedPoints audited,
                        Set<ResourceRef> tracked, List<RecordedDrift> recorded, List<ListedPoint.Sighting> sightings,
                        Instant now, Duration stuckAfter, java.util.Optional<LostWork> lostWork) {

    /** With no lost work known. */
    public DriftScan(TeamId team, ServerId server, List<ListedPoint> listed, AuditedPoints audited,
                     Set<ResourceRef> tracked, List<RecordedDrift> recorded, List<ListedPoint.Sighting> sightings,
                     Instant now, Duration stuckAfter) {
        this(team, server, listed, audited, tracked, recorded, sightings, now, stuckAfter, java.util.Optional.empty());
    }

    public DriftScan {
        Objects.requireNonNull(lostWork, "lost work (may be empty, not null)");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(server, "server");
        listed = List.copyOf(listed);
        Objects.requireNonNull(audited, "audited");
        tracked = Set.copyOf(tracked);
        recorded = List.copyOf(recorded);
        sightings = List.copyOf(sightings);
        Objects.requireNonNull(now, "now");
        Objects.requireNonNull(stuckAfter, "stuck after");
        if (stuckAfter.isNegative() || stuckAfter.isZero()) {
            throw new IllegalArgumentException("stuck after must be positive");
        }
    }

    /** How a drift resolved by its point's absence says so. */
    public static final String NO_LONGER_LISTED = "no longer listed at VPS.org";

    /** What the scan found: new drifts, recorded ones now resolved, and the automatic backups to remember. */
    public record Findings(List<Drift> detected, List<RecordedDrift> resolved, List<ListedPoint.Sighting> sightings) {
        public Findings {
            detected = List.copyOf(detected);
            resolved = List.copyOf(resolved);
            sightings = List.copyOf(sightings);
        }

        public boolean changesNothing(List<ListedPoint.Sighting> before) {
            return detected.isEmpty() && resolved.isEmpty() && Set.copyOf(sightings).equals(Set.copyOf(before));
        }

        /**
         * Whether a finding rests on a point missing from the list (gone outside, expired, resolved as no longer listed):
         * the list must then be one that leaves out nothing there (ADR 0035, amended in session 38).
         */
        public boolean restOnAbsence() {
            return detected.stream().anyMatch(d -> d.kind() == DriftKind.DELETED_OUTSIDE
                            || d.kind() == DriftKind.AUTOMATIC_BACKUP_EXPIRED)
                    || resolved.stream().anyMatch(r -> r.drift().resolution()
                            .filter(how -> how.how().equals(NO_LONGER_LISTED)).isPresent());
        }
    }

    public Findings findings() {
        Map<ResourceRef, ListedPoint> byRef = new HashMap<>();
        listed.forEach(point -> byRef.put(point.ref(), point));
        Set<String> onRecord = new HashSet<>();
        recorded.forEach(r -> onRecord.add(key(r.drift().point(), r.drift().kind())));
        List<Drift> detected = new ArrayList<>();

        for (ListedPoint point : byRef.values()) {
            if (tracked.contains(point.ref())) {
                continue;
            }
            if (!point.automatic() && !audited.made().contains(point.ref())
                    && !audited.unsettledCreates().contains(point.label())) {
                // After the database went back, a point made while the platform's work was lost may be its own.
                detect(detected, onRecord, point.ref(), DriftKind.CREATED_OUTSIDE, "listed at VPS.org, "
                        + describe(point) + ", made by no create through the platform" + lostWork
                        .filter(lost -> lost.contains(point.createdAt())).map(LostWork::mayBeOurs).orElse(""));
            }
            // created_at is by VPS.org's clock, which may be behind ours: stuck once in progress that long by any
            // clock within the tolerance (ADR 0035, amended in session 48).
            if (point.inProgress() && ProviderClock.hasCertainlyReached(point.createdAt().plus(stuckAfter), now)) {
                detect(detected, onRecord, point.ref(), DriftKind.STUCK_IN_PROGRESS, "in progress since "
                        + point.createdAt() + " (over " + stuckAfter + "), " + describe(point) + ", followed by no open operation");
            }
        }
        for (ResourceRef gone : audited.expected()) {
            if (!byRef.containsKey(gone) && !audited.deleted().contains(gone) && !tracked.contains(gone)) {
                detect(detected, onRecord, gone, DriftKind.DELETED_OUTSIDE,
                        "made through the platform, no longer listed at VPS.org, deleted by no delete through the platform");
            }
        }
        for (ListedPoint.Sighting seen : sightings) {
            if (byRef.containsKey(seen.ref()) || audited.deleted().contains(seen.ref()) || tracked.contains(seen.ref())) {
                continue;
            }
            // VPS.org removes it at expires_at on its own clock, which may be ahead of ours (ADR 0035, amended in session 47).
            boolean expired = seen.expiresAt().map(at -> ProviderClock.mayHaveReached(at, now)).orElse(false);
            String expiry = seen.expiresAt().map(at -> "expires_at " + at).orElse("no expires_at");
            if (expired) {
                detect(detected, onRecord, seen.ref(), DriftKind.AUTOMATIC_BACKUP_EXPIRED,
                        "automatic backup gone by the provider's retention (" + expiry + ")");
            } else {
                detect(detected, onRecord, seen.ref(), DriftKind.DELETED_OUTSIDE,
                        "automatic backup gone before its retention ended (" + expiry + "), deleted by no delete through the platform");
            }
        }

        List<RecordedDrift> resolved = new ArrayList<>();
        for (RecordedDrift open : recorded) {
            if (!open.drift().isOpen()) {
                continue;
            }
            ListedPoint now = byRef.get(open.drift().point());
            String how = switch (open.drift().kind()) {
                case CREATED_OUTSIDE -> now == null ? NO_LONGER_LISTED : null;
                case STUCK_IN_PROGRESS -> now == null ? NO_LONGER_LISTED
                        : now.inProgress() ? null : "no longer in progress at VPS.org";
                default -> null;
            };
            if (how != null) {
                resolved.add(new RecordedDrift(open.id(), open.drift().resolved(this.now, how)));
            }
        }

        Map<ResourceRef, ListedPoint.Sighting> remembered = new HashMap<>();
        byRef.values().stream().filter(ListedPoint::automatic).forEach(point -> remembered.put(point.ref(), point.sighting()));
        // A backup an open operation follows (a delete awaiting approval, a restore from it) is only not judged yet:
        // forgetting it would lose its drift for good once the operation ends without deleting it.
        sightings.stream().filter(seen -> tracked.contains(seen.ref())).forEach(seen -> remembered.putIfAbsent(seen.ref(), seen));
        detected.sort(Comparator.comparing((Drift d) -> d.point().type()).thenComparingLong(d -> d.point().id())
                .thenComparing(Drift::kind));
        resolved.sort(Comparator.comparingLong(RecordedDrift::id));
        return new Findings(detected, resolved, remembered.values().stream()
                .sorted(Comparator.comparingLong(s -> s.ref().id())).toList());
    }

    private void detect(List<Drift> detected, Set<String> onRecord, ResourceRef point, DriftKind kind, String seen) {
        if (onRecord.add(key(point, kind))) {
            detected.add(Drift.detected(team, server, point, kind, now, seen));
        }
    }

    private static String key(ResourceRef point, DriftKind kind) {
        return point.type() + ":" + point.id() + ":" + kind;
    }

    private static String describe(ListedPoint point) {
        return (point.ref().type() == ResourceRef.Type.SNAPSHOT ? "snapshot \"" : "backup \"")
                + (point.label().length() > 120 ? point.label().substring(0, 120) + "..." : point.label())
                + "\" created " + point.createdAt();
    }
}
