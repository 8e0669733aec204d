package org.vpsrecovery.domain.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.policy.RetentionCandidate.Maker;

/**
 * Retention's guarantees over any server's points, any rules and any time zone. Times come from a
 * generated starting instant and spacing (the clock under test's control), so buckets straddle
 * midnights, ISO week and year ends, and DST changes.
 */
class RetentionPropertiesTest {

    private static final List<ZoneId> ZONES = List.of(ZoneId.of("UTC"), ZoneId.of("Europe/Berlin"),
            ZoneId.of("America/Los_Angeles"), ZoneId.of("Asia/Kolkata"), ZoneId.of("Pacific/Chatham"),
            ZoneId.of("Australia/Lord_Howe"), ZoneId.of("Pacific/Kiritimati"));

    record Case(RetentionRules rules, ZoneId zone, List<RetentionCandidate> points) {
    }

    @Provide
    Arbitrary<Case> cases() {
        Arbitrary<RetentionRules> rules = Combinators.combine(
                Arbitraries.integers().between(0, 6), Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(Duration.ZERO)),
                        Tuple.of(2, Arbitraries.longs().between(1, 40 * 24).map(Duration::ofHours))),
                Arbitraries.integers().between(0, 8), Arbitraries.integers().between(0, 5),
                Arbitraries.integers().between(0, 4), Arbitraries.integers().between(0, 3), Arbitraries.of(true, false))
                .as(RetentionRules::new);
        Arbitrary<Instant> start = Arbitraries.longs().between(Instant.parse("2019-12-20T00:00:00Z").getEpochSecond(),
                Instant.parse("2027-12-20T00:00:00Z").getEpochSecond()).map(Instant::ofEpochSecond);
        // Spacing from minutes to weeks, with repeats: several points in one hour, day or week.
        Arbitrary<List<Long>> gaps = Arbitraries.oneOf(Arbitraries.longs().between(0, 90 * 60),
                        Arbitraries.longs().between(3_600, 3 * 86_400), Arbitraries.longs().between(86_400, 40 * 86_400))
                .list().ofMinSize(0).ofMaxSize(40);
        Arbitrary<List<Boolean>> flags = Arbitraries.of(true, false).list().ofSize(120);
        return Combinators.combine(rules, Arbitraries.of(ZONES), start, gaps, flags, Arbitraries.integers().between(0, 9))
                .as((r, zone, first, spacing, bits, notCompletedEvery) -> {
                    List<RetentionCandidate> points = new java.util.ArrayList<>();
                    Instant at = first;
                    for (int i = 0; i < spacing.size(); i++) {
                        at = at.plusSeconds(spacing.get(i));
                        boolean completed = notCompletedEvery == 0 || i % (notCompletedEvery + 2) != 1;
                        points.add(new RetentionCandidate(new ResourceRef(bits.get(3 * i) ? ResourceRef.Type.SNAPSHOT
                                : ResourceRef.Type.BACKUP, i + 1), at, completed,
                                bits.get(3 * i + 1) || bits.get(3 * i + 2) ? Maker.POLICY : Maker.PERSON,
                                bits.get(3 * i + 1) && bits.get(3 * i + 2) && i % 3 == 0));
                    }
                    java.util.Collections.shuffle(points, new java.util.Random(spacing.size()));
                    return new Case(r, zone, points);
                });
    }

    @Property(tries = 1000)
    void aHeldPointIsNeverDropped(@ForAll("cases") Case c) {
        assertThat(dropped(evaluate(c))).noneMatch(RetentionCandidate::held);
    }

    @Property(tries = 1000)
    void theNewestCompletedPointIsNeverDropped(@ForAll("cases") Case c) {
        c.points().stream().filter(RetentionCandidate::completed).min(RetentionCandidate.NEWEST_FIRST)
                .ifPresent(newest -> assertThat(dropped(evaluate(c))).doesNotContain(newest));
    }

    @Property(tries = 1000)
    void aPointNotCompletedIsNeverDropped(@ForAll("cases") Case c) {
        assertThat(dropped(evaluate(c))).allMatch(RetentionCandidate::completed);
    }

    @Property(tries = 1000)
    void aPersonMadePointIsDroppedOnlyWhenThePolicySaysSo(@ForAll("cases") Case c) {
        if (!c.rules().includePersonMade()) {
            assertThat(dropped(evaluate(c))).allMatch(p -> p.maker() == Maker.POLICY);
        }
    }

    @Property(tries = 1000)
    void withoutRulesNothingIsDropped(@ForAll("cases") Case c) {
        Case bare = new Case(RetentionRules.keepAll(), c.zone(), c.points());
        assertThat(dropped(evaluate(bare))).isEmpty();
    }

    @Property(tries = 1000)
    void keepLastKeepsAtLeastTheNewestN(@ForAll("cases") Case c) {
        List<RetentionCandidate> governed = governed(c);
        List<RetentionCandidate> kept = kept(evaluate(c));
        assertThat(kept).containsAll(governed.subList(0, Math.min(c.rules().keepLast(), governed.size())));
    }

    @Property(tries = 1000)
    void keepWithinKeepsEveryPointWithinTheDurationOfTheNewest(@ForAll("cases") Case c) {
        List<RetentionCandidate> governed = governed(c);
        if (governed.isEmpty() || c.rules().keepWithin().isZero()) {
            return;
        }
        Instant since = governed.get(0).createdAt().minus(c.rules().keepWithin());
        assertThat(kept(evaluate(c))).containsAll(governed.stream().filter(p -> p.createdAt().isAfter(since)).toList());
    }

    @Property(tries = 1000)
    void eachCalendarRuleKeepsOnePointInAsManyPeriodsAsItAsksFor(@ForAll("cases") Case c) {
        List<RetentionCandidate> governed = governed(c);
        Set<RetentionCandidate> kept = Set.copyOf(kept(evaluate(c)));
        for (CalendarBucket bucket : CalendarBucket.values()) {
            List<String> periods = governed.stream().map(p -> bucket.of(p.createdAt(), c.zone())).distinct().toList();
            Set<String> keptPeriods = governed.stream().filter(kept::contains)
                    .map(p -> bucket.of(p.createdAt(), c.zone())).collect(Collectors.toSet());
            // The newest period first: the most recent N periods that have points each keep one.
            assertThat(keptPeriods).containsAll(periods.subList(0, Math.min(c.rules().count(bucket), periods.size())));
        }
    }

    @Property(tries = 1000)
    void applyingTheVerdictsAndEvaluatingAgainDropsNothingMore(@ForAll("cases") Case c) {
        List<RetentionCandidate> afterDeletes = kept(evaluate(c));
        Case again = new Case(c.rules(), c.zone(), afterDeletes);
        assertThat(dropped(evaluate(again))).isEmpty();
    }

    @Property(tries = 300)
    void theVerdictsDoNotDependOnTheOrderThePointsCameIn(@ForAll("cases") Case c) {
        List<RetentionCandidate> reversed = new java.util.ArrayList<>(c.points());
        java.util.Collections.reverse(reversed);
        assertThat(evaluate(new Case(c.rules(), c.zone(), reversed))).isEqualTo(evaluate(c));
    }

    // Rotation (ADR 0036): the point a run makes room with, over the same generated cases.

    @Property(tries = 1000)
    void rotationNeverTakesAHeldUnfinishedNewestCompletedOrUngovernedPoint(@ForAll("cases") Case c) {
        java.util.Optional<RetentionCandidate> victim = rotate(c);
        java.util.Optional<RetentionCandidate> newest = c.points().stream().filter(RetentionCandidate::completed)
                .sorted(RetentionCandidate.NEWEST_FIRST).findFirst();
        victim.ifPresent(v -> {
            assertThat(v.held()).isFalse();
            assertThat(v.completed()).isTrue();
            assertThat(v.maker() == Maker.POLICY || c.rules().includePersonMade()).isTrue();
            assertThat(java.util.Optional.of(v)).isNotEqualTo(newest);
            assertThat(c.points()).contains(v);
        });
    }

    @Property(tries = 1000)
    void whateverRetentionAloneLetsGoRotationFindsAndItTakesTheOldestFirst(@ForAll("cases") Case c) {
        List<RetentionCandidate> drops = dropped(evaluate(c));
        java.util.Optional<RetentionCandidate> victim = rotate(c);
        if (!drops.isEmpty()) {
            Instant oldestDrop = drops.stream().map(RetentionCandidate::createdAt).min(Instant::compareTo).orElseThrow();
            assertThat(victim).hasValueSatisfying(v -> assertThat(v.createdAt()).isBeforeOrEqualTo(oldestDrop));
        }
    }

    @Property(tries = 300)
    void rotationKeepsAtLeastKeepLastMinusOneOfThePolicysPointsBesideTheNewOne(@ForAll("cases") Case c) {
        List<RetentionCandidate> governed = governed(c);
        rotate(c).ifPresent(v -> {
            int rank = governed.indexOf(v);
            assertThat(rank).isGreaterThanOrEqualTo(Math.max(0, c.rules().keepLast() - 1));
        });
    }

    private static java.util.Optional<RetentionCandidate> rotate(Case c) {
        return Rotation.victim(c.rules(), c.zone(), c.points(), ResourceRef.Type.SNAPSHOT, afterEveryPoint(c));
    }

    private static List<RetentionVerdict> evaluate(Case c) {
        return Retention.evaluate(c.rules(), c.zone(), c.points(), afterEveryPoint(c));
    }

    private static Instant afterEveryPoint(Case c) {
        return c.points().stream().map(RetentionCandidate::createdAt).max(Instant::compareTo)
                .orElse(Instant.parse("2026-01-01T00:00:00Z")).plusSeconds(60);
    }

    private static List<RetentionCandidate> governed(Case c) {
        return c.points().stream().filter(RetentionCandidate::completed)
                .filter(p -> p.maker() == Maker.POLICY || c.rules().includePersonMade())
                .sorted(RetentionCandidate.NEWEST_FIRST).toList();
    }

    private static List<RetentionCandidate> kept(List<RetentionVerdict> verdicts) {
        return verdicts.stream().filter(RetentionVerdict::keep).map(RetentionVerdict::candidate).toList();
    }

    private static List<RetentionCandidate> dropped(List<RetentionVerdict> verdicts) {
        return verdicts.stream().filter(v -> !v.keep()).map(RetentionVerdict::candidate).toList();
    }
}
