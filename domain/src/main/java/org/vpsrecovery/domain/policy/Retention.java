package org.vpsrecovery.domain.policy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.policy.RetentionVerdict.KeptBy;

/**
 * Retention over one server's recovery points, as restic's {@code forget} evaluates its
 * {@code --keep-*} options over one group of snapshots: newest first, each rule independently, a point
 * kept when any rule keeps it. Only completed points the policy governs take part in the rules
 * (policy-made ones, and person-made ones when the policy includes them); on top of the rules, a
 * held point, the server's newest completed point and every point the rules do not govern are kept.
 * Keep-within counts back from the newest point, not from "now", as restic does, so applying its drops and
 * evaluating again drops nothing more. "Now" only tells which points are dated after it: VPS.org's clock
 * put them there, so they are kept and neither count as the newest nor as where keep-within counts from
 * (one point stamped years ahead would otherwise push every real point out of the window).
 */
public final class Retention {

    /**
     * How far after "now" a point may be dated and still be believed: a day, so that a provider clock some minutes off
     * or times given in a local zone as UTC (up to 14 h) leave rotation its victims, while a point years ahead is not
     * counted from (keep-within's window is then at most a day short).
     */
    public static final Duration CLOCK_SKEW = Duration.ofDays(1);

    private Retention() {
    }

    /** A verdict per point, newest first; {@code now} only tells which points are dated after it. */
    public static List<RetentionVerdict> evaluate(RetentionRules rules, ZoneId zone, List<RetentionCandidate> points,
                                                  Instant now) {
        Objects.requireNonNull(rules, "rules");
        Objects.requireNonNull(zone, "zone");
        Instant latestBelievable = Objects.requireNonNull(now, "now").plus(CLOCK_SKEW);
        List<RetentionCandidate> newestFirst = points.stream().sorted(RetentionCandidate.NEWEST_FIRST).toList();
        Map<ResourceRef, List<KeptBy>> kept = new LinkedHashMap<>();
        newestFirst.forEach(p -> kept.put(p.point(), new ArrayList<>()));

        newestFirst.stream().filter(RetentionCandidate::completed).filter(p -> !p.createdAt().isAfter(latestBelievable))
                .findFirst()
                .ifPresent(newest -> kept.get(newest.point()).add(KeptBy.of(KeepReason.NEWEST_COMPLETED)));
        List<RetentionCandidate> governed = new ArrayList<>();
        for (RetentionCandidate point : newestFirst) {
            List<KeptBy> reasons = kept.get(point.point());
            if (point.held()) {
                reasons.add(KeptBy.of(KeepReason.HELD));
            }
            if (point.createdAt().isAfter(latestBelievable)) {
                reasons.add(KeptBy.of(KeepReason.DATED_AFTER_NOW));
            } else if (!point.completed()) {
                reasons.add(KeptBy.of(KeepReason.NOT_COMPLETED));
            } else if (point.maker() == RetentionCandidate.Maker.PERSON && !rules.includePersonMade()) {
                reasons.add(KeptBy.of(KeepReason.MADE_BY_PERSON));
            } else {
                governed.add(point);
            }
        }
        if (!rules.hasRules()) {
            governed.forEach(p -> kept.get(p.point()).add(KeptBy.of(KeepReason.NO_RULES)));
        } else {
            applyRules(rules, zone, governed, kept);
        }

        List<RetentionVerdict> verdicts = new ArrayList<>(newestFirst.size());
        for (RetentionCandidate point : newestFirst) {
            List<KeptBy> reasons = kept.get(point.point());
            verdicts.add(new RetentionVerdict(point, reasons,
                    reasons.isEmpty() ? Optional.of(dropReason(rules)) : Optional.empty()));
        }
        return List.copyOf(verdicts);
    }

    private static void applyRules(RetentionRules rules, ZoneId zone, List<RetentionCandidate> governed,
                                   Map<ResourceRef, List<KeptBy>> kept) {
        for (int i = 0; i < Math.min(rules.keepLast(), governed.size()); i++) {
            kept.get(governed.get(i).point()).add(KeptBy.of(KeepReason.KEEP_LAST));
        }
        if (!rules.keepWithin().isZero() && !governed.isEmpty()) {
            Instant since = governed.get(0).createdAt().minus(rules.keepWithin());
            governed.stream().filter(p -> p.createdAt().isAfter(since))
                    .forEach(p -> kept.get(p.point()).add(KeptBy.of(KeepReason.KEEP_WITHIN)));
        }
        Map<CalendarBucket, Integer> left = new EnumMap<>(CalendarBucket.class);
        Map<CalendarBucket, String> lastBucket = new EnumMap<>(CalendarBucket.class);
        for (CalendarBucket bucket : CalendarBucket.values()) {
            left.put(bucket, rules.count(bucket));
        }
        for (RetentionCandidate point : governed) {
            for (CalendarBucket bucket : CalendarBucket.values()) {
                String label = bucket.of(point.createdAt(), zone);
                if (left.get(bucket) > 0 && !label.equals(lastBucket.get(bucket))) {
                    kept.get(point.point()).add(new KeptBy(bucket.reason(), Optional.of(label)));
                    lastBucket.put(bucket, label);
                    left.merge(bucket, -1, Integer::sum);
                }
            }
        }
        // restic 0.17: when there are fewer periods than a rule asks for, the oldest point is kept as well.
        if (!governed.isEmpty()) {
            RetentionCandidate oldest = governed.get(governed.size() - 1);
            for (CalendarBucket bucket : CalendarBucket.values()) {
                List<KeptBy> reasons = kept.get(oldest.point());
                if (rules.count(bucket) > 0 && left.get(bucket) > 0
                        && reasons.stream().noneMatch(k -> k.reason() == bucket.reason())) {
                    reasons.add(new KeptBy(bucket.reason(), Optional.of("oldest, fewer periods than asked")));
                }
            }
        }
    }

    private static String dropReason(RetentionRules rules) {
        List<String> set = new ArrayList<>();
        if (rules.keepLast() > 0) {
            set.add("not among the newest " + rules.keepLast());
        }
        if (!rules.keepWithin().isZero()) {
            set.add("older than " + rules.keepWithin() + " before the newest point");
        }
        for (CalendarBucket bucket : CalendarBucket.values()) {
            if (rules.count(bucket) > 0) {
                set.add("not the newest of the last " + rules.count(bucket) + " " + bucket.name().toLowerCase(java.util.Locale.ROOT)
                        + " periods");
            }
        }
        return String.join("; ", set);
    }
}
