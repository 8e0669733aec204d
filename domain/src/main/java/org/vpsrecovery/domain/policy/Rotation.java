package org.vpsrecovery.domain.policy;

import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;

/**
 * Which point goes to make room for the one a policy is about to make at a server's limit (issue 14
 * item 3; ADR 0028, 0036): the oldest point retention drops once the new point is counted among the
 * policy's (completed, made at {@code makingAt}), since that is the state the run leaves behind. Counted
 * so, keep-last N makes room as soon as N points exist, not one point later.
 *
 * <p>Retention's guarantees hold for the points as they are: never a held, unfinished or (unless the
 * policy includes them) person-made point, and never the server's newest completed point, which stays
 * until the new one exists and is completed.
 */
public final class Rotation {

    private Rotation() {
    }

    public static Optional<RetentionCandidate> victim(RetentionRules rules, ZoneId zone, List<RetentionCandidate> points,
                                                      ResourceRef.Type type, Instant makingAt) {
        Objects.requireNonNull(makingAt, "making at");
        // The point to be made has no id yet; one no provider hands out stands in for it, and is never chosen.
        ResourceRef toBeMade = new ResourceRef(type, Long.MAX_VALUE);
        List<RetentionCandidate> withNew = new ArrayList<>(points);
        withNew.add(new RetentionCandidate(toBeMade, makingAt, true, RetentionCandidate.Maker.POLICY, false));
        Optional<ResourceRef> newestCompleted = points.stream().filter(RetentionCandidate::completed)
                .filter(p -> !p.createdAt().isAfter(makingAt.plus(Retention.CLOCK_SKEW)))
                .sorted(RetentionCandidate.NEWEST_FIRST).map(RetentionCandidate::point).findFirst();
        return oldest(Retention.evaluate(rules, zone, withNew, makingAt).stream()
                .filter(v -> !v.keep())
                .map(RetentionVerdict::candidate)
                .filter(c -> !c.point().equals(toBeMade) && newestCompleted.map(n -> !n.equals(c.point())).orElse(true)));
    }

    /**
     * The oldest point retention drops as the points are, for room the policy does not fill itself (a
     * restore's safety snapshot, which is no point of the policy's).
     */
    public static Optional<RetentionCandidate> oldestDropped(RetentionRules rules, ZoneId zone,
                                                             List<RetentionCandidate> points, Instant now) {
        return oldest(Retention.evaluate(rules, zone, points, now).stream().filter(v -> !v.keep())
                .map(RetentionVerdict::candidate));
    }

    private static Optional<RetentionCandidate> oldest(java.util.stream.Stream<RetentionCandidate> dropped) {
        return dropped.min(Comparator.comparing(RetentionCandidate::createdAt).thenComparing(c -> c.point().id()));
    }
}
