package org.vpsrecovery.domain.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.policy.RetentionCandidate.Maker;

class RetentionTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    /** "Now" after every point these tests date. */
    private static final Instant LATER = Instant.parse("2030-01-01T00:00:00Z");

    private static RetentionCandidate policyMade(long id, String at) {
        return new RetentionCandidate(new ResourceRef(ResourceRef.Type.SNAPSHOT, id), Instant.parse(at), true, Maker.POLICY, false);
    }

    private static Map<Long, Boolean> keptById(List<RetentionVerdict> verdicts) {
        return verdicts.stream().collect(Collectors.toMap(v -> v.candidate().point().id(), RetentionVerdict::keep));
    }

    @Test
    void keepDailyKeepsTheNewestPointOfEachOfTheLastDaysThatHaveOne() {
        // restic's documented example: nothing on May 3rd, two points on May 2nd.
        List<RetentionCandidate> points = List.of(policyMade(1, "2026-05-01T08:00:00Z"), policyMade(2, "2026-05-02T08:00:00Z"),
                policyMade(3, "2026-05-02T11:00:00Z"), policyMade(4, "2026-05-04T09:00:00Z"), policyMade(5, "2026-05-05T10:00:00Z"));
        RetentionRules daily4 = new RetentionRules(0, Duration.ZERO, 4, 0, 0, 0, false);

        List<RetentionVerdict> verdicts = Retention.evaluate(daily4, UTC, points, LATER);

        assertThat(keptById(verdicts)).containsExactlyInAnyOrderEntriesOf(Map.of(1L, true, 2L, false, 3L, true, 4L, true, 5L, true));
        RetentionVerdict may2 = verdicts.stream().filter(v -> v.candidate().point().id() == 3).findFirst().orElseThrow();
        assertThat(may2.keptBy()).containsExactly(new RetentionVerdict.KeptBy(KeepReason.KEEP_DAILY, Optional.of("2026-05-02")));
        RetentionVerdict dropped = verdicts.stream().filter(v -> !v.keep()).findFirst().orElseThrow();
        assertThat(dropped.dropReason()).contains("not the newest of the last 4 daily periods");
    }

    @Test
    void rulesCombineAsAUnion() {
        List<RetentionCandidate> points = List.of(policyMade(1, "2026-01-10T00:00:00Z"), policyMade(2, "2026-03-01T00:00:00Z"),
                policyMade(3, "2026-03-20T00:00:00Z"), policyMade(4, "2026-03-21T00:00:00Z"), policyMade(5, "2026-03-22T00:00:00Z"));
        RetentionRules lastTwoAndMonthly3 = new RetentionRules(2, Duration.ZERO, 0, 0, 3, 0, false);

        Map<Long, Boolean> kept = keptById(Retention.evaluate(lastTwoAndMonthly3, UTC, points, LATER));

        // 5 and 4 by keep_last; 5 (March), 1 (January) by keep_monthly; 2 and 3 by nothing.
        assertThat(kept).containsExactlyInAnyOrderEntriesOf(Map.of(1L, true, 2L, false, 3L, false, 4L, true, 5L, true));
    }

    @Test
    void calendarPeriodsAreThoseOfThePolicysTimeZone() {
        // 10:00, 20:30 and 22:30 UTC on the 1st: one UTC day, but in Berlin the last is already on the 2nd.
        List<RetentionCandidate> points = List.of(policyMade(1, "2026-06-01T10:00:00Z"), policyMade(2, "2026-06-01T20:30:00Z"),
                policyMade(3, "2026-06-01T22:30:00Z"));
        RetentionRules daily2 = new RetentionRules(0, Duration.ZERO, 2, 0, 0, 0, false);

        // UTC: one day (3), and, as restic 0.17 does with fewer periods than asked, the oldest (1).
        assertThat(keptById(Retention.evaluate(daily2, UTC, points, LATER)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, true, 2L, false, 3L, true));
        // Berlin: the 2nd (3) and the 1st (2).
        assertThat(keptById(Retention.evaluate(daily2, ZoneId.of("Europe/Berlin"), points, LATER)))
                .containsExactlyInAnyOrderEntriesOf(Map.of(1L, false, 2L, true, 3L, true));
    }

    @Test
    void weeksAreIsoWeeksAcrossTheYearsEnd() {
        // Mon 2024-12-30 and Sun 2025-01-05 are one ISO week (2025-W01); Sun 2024-12-29 is 2024-W52.
        List<RetentionCandidate> points = List.of(policyMade(1, "2024-12-29T12:00:00Z"), policyMade(2, "2024-12-30T12:00:00Z"),
                policyMade(3, "2025-01-05T12:00:00Z"));
        List<RetentionVerdict> verdicts = Retention.evaluate(new RetentionRules(0, Duration.ZERO, 0, 2, 0, 0, false), UTC, points, LATER);

        assertThat(keptById(verdicts)).containsExactlyInAnyOrderEntriesOf(Map.of(1L, true, 2L, false, 3L, true));
        assertThat(verdicts.get(0).keptBy()).contains(new RetentionVerdict.KeptBy(KeepReason.KEEP_WEEKLY, Optional.of("2025-W01")));
    }

    @Test
    void keepWithinCountsBackFromTheNewestPointNotFromNow() {
        List<RetentionCandidate> points = List.of(policyMade(1, "2020-01-01T00:00:00Z"), policyMade(2, "2020-01-05T00:00:00Z"),
                policyMade(3, "2020-01-10T00:00:00Z"));
        Map<Long, Boolean> kept = keptById(Retention.evaluate(new RetentionRules(0, Duration.ofDays(6), 0, 0, 0, 0, false), UTC, points, LATER));
        assertThat(kept).containsExactlyInAnyOrderEntriesOf(Map.of(1L, false, 2L, true, 3L, true));
    }

    @Test
    void aPointDatedYearsAfterNowIsKeptButKeepWithinCountsBackFromTheNewestRealPoint() {
        // VPS.org's clock stamped one policy-made point in 2036; counted from it, a week would drop every real point.
        Instant now = Instant.parse("2026-06-10T12:00:00Z");
        List<RetentionCandidate> points = List.of(policyMade(1, "2026-06-09T12:00:00Z"), policyMade(2, "2026-06-08T12:00:00Z"),
                policyMade(3, "2036-06-10T12:00:00Z"));
        RetentionRules week = new RetentionRules(0, Duration.ofDays(7), 0, 0, 0, 0, false);

        List<RetentionVerdict> verdicts = Retention.evaluate(week, UTC, points, now);

        assertThat(keptById(verdicts)).containsExactlyInAnyOrderEntriesOf(Map.of(1L, true, 2L, true, 3L, true));
        assertThat(verdicts.get(0).keptBy()).extracting(RetentionVerdict.KeptBy::reason).containsExactly(KeepReason.DATED_AFTER_NOW);
        assertThat(verdicts.get(1).keptBy()).extracting(RetentionVerdict.KeptBy::reason)
                .containsExactly(KeepReason.NEWEST_COMPLETED, KeepReason.KEEP_WITHIN);
    }

    @Test
    void pointsOfAProviderClockHoursAheadAreStillGovernedSoRotationKeepsItsVictims() {
        // Times given in a local zone as UTC (here 10 h ahead): every new point looks hours in the future. Taken as
        // "dated after now", none would ever be dropped or rotated away, and a policy at its limit would stop.
        Instant now = Instant.parse("2026-06-10T12:00:00Z");
        List<RetentionCandidate> points = List.of(policyMade(1, "2026-06-10T22:00:00Z"), policyMade(2, "2026-06-09T22:00:00Z"));
        RetentionRules lastOne = new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false);

        List<RetentionVerdict> verdicts = Retention.evaluate(lastOne, UTC, points, now);

        assertThat(keptById(verdicts)).containsExactlyInAnyOrderEntriesOf(Map.of(1L, true, 2L, false));
        assertThat(verdicts.get(0).keptBy()).extracting(RetentionVerdict.KeptBy::reason).doesNotContain(KeepReason.DATED_AFTER_NOW);
    }

    @Test
    void heldPersonMadeAndUnfinishedPointsAreKeptWithTheirReason() {
        RetentionCandidate held = new RetentionCandidate(new ResourceRef(ResourceRef.Type.SNAPSHOT, 1),
                Instant.parse("2020-01-01T00:00:00Z"), true, Maker.POLICY, true);
        RetentionCandidate person = new RetentionCandidate(new ResourceRef(ResourceRef.Type.SNAPSHOT, 2),
                Instant.parse("2020-01-02T00:00:00Z"), true, Maker.PERSON, false);
        RetentionCandidate inProgress = new RetentionCandidate(new ResourceRef(ResourceRef.Type.SNAPSHOT, 3),
                Instant.parse("2020-01-04T00:00:00Z"), false, Maker.POLICY, false);
        RetentionCandidate newest = policyMade(4, "2020-01-03T00:00:00Z");
        RetentionRules lastOne = new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false);

        List<RetentionVerdict> verdicts = Retention.evaluate(lastOne, UTC, List.of(held, person, inProgress, newest), LATER);

        assertThat(verdicts).allMatch(RetentionVerdict::keep);
        assertThat(verdicts.get(0).keptBy()).extracting(RetentionVerdict.KeptBy::reason).containsExactly(KeepReason.NOT_COMPLETED);
        assertThat(verdicts.get(1).keptBy()).extracting(RetentionVerdict.KeptBy::reason)
                .containsExactly(KeepReason.NEWEST_COMPLETED, KeepReason.KEEP_LAST);
        assertThat(verdicts.get(2).keptBy()).extracting(RetentionVerdict.KeptBy::reason).containsExactly(KeepReason.MADE_BY_PERSON);
        assertThat(verdicts.get(3).keptBy()).extracting(RetentionVerdict.KeptBy::reason).containsExactly(KeepReason.HELD);

        RetentionRules includingPeople = new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, true);
        assertThat(keptById(Retention.evaluate(includingPeople, UTC, List.of(person, newest), LATER))).containsEntry(2L, false);
    }

    @Test
    void countsAndDurationsOutsideTheirBoundsAreRefused() {
        assertThatThrownBy(() -> new RetentionRules(-1, Duration.ZERO, 0, 0, 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep_last");
        assertThatThrownBy(() -> new RetentionRules(0, Duration.ofDays(4000), 0, 0, 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep_within");
        assertThatThrownBy(() -> new RetentionRules(0, Duration.ZERO, 0, 0, 0, 1001, false))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("keep_yearly");
    }
}
