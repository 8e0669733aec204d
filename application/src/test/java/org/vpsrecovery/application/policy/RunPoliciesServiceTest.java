package org.vpsrecovery.application.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.application.PlatformFixture.BLUE;
import static org.vpsrecovery.application.PlatformFixture.WEB;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.PlatformFixture;
import org.vpsrecovery.application.policy.RunPoliciesService.Run;
import org.vpsrecovery.application.policy.RunPoliciesService.RunResult;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.application.snapshot.CreateSnapshotCommand;
import org.vpsrecovery.domain.backup.Backup;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.policy.RetentionCandidate;
import org.vpsrecovery.domain.snapshot.SnapshotName;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.hold.HoldReason;
import org.vpsrecovery.domain.hold.RecoveryPointHold;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.policy.RunJitter;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.DailyRunCalendar;
import org.vpsrecovery.domain.testing.InMemoryRecoveryPolicies;

/** Scheduled runs and rotation (issue 14 items 2 and 3, ADR 0028), on the in-memory platform with its adjustable clock. */
class RunPoliciesServiceTest {

    private final PlatformFixture platform = new PlatformFixture();
    private final InMemoryRecoveryPolicies store = new InMemoryRecoveryPolicies();
    private final ManagePoliciesService policies = new ManagePoliciesService(store, platform.ownership,
            new DailyRunCalendar(), platform.auditWriter, platform.clock);
    private final RunPoliciesService runs = new RunPoliciesService(() -> Set.of(BLUE, PlatformFixture.GREEN), store,
            platform.ownership, platform.provider, platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(),
            new DailyRunCalendar(), platform.attempts(), platform.deleteSnapshot(), platform.deleteBackup(), platform.clock);

    /** 03:00 Berlin every day = 02:00 UTC in November; now is 2026-11-23T09:00Z. */
    private RecoveryPolicy nightly(RetentionRules retention) {
        return policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")), new NameTemplate("nightly-{server_id}-{date}"),
                retention));
    }

    private static final RetentionRules KEEP_TWO = new RetentionRules(2, Duration.ZERO, 0, 0, 0, 0, false);
    private static final RetentionRules KEEP_THREE = new RetentionRules(3, Duration.ZERO, 0, 0, 0, 0, false);
    private static final Instant FIRE = Instant.parse("2026-11-24T02:00:00Z");

    private List<AuditEvent> events(Operation operation) {
        return platform.history.all().stream().filter(e -> e.operation() == operation).toList();
    }

    private void addNightly(long id, int day, String name) {
        platform.provider.addSnapshot(new Snapshot(new SnapshotId(id), platform.web, name, CreationStatus.COMPLETED,
                OptionalLong.of(10), Instant.parse("2026-11-%02dT02:00:00Z".formatted(day)), ""));
    }

    @Test
    void aDuePolicyRunsOnceNamedByItsTemplateAndTheCreateNamesThePolicy() {
        RecoveryPolicy policy = nightly(KEEP_TWO);

        List<Run> first = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));
        List<Run> again = runs.tick(FIRE.plus(RunJitter.CAP), FIRE.plus(Duration.ofHours(12)));

        assertThat(first).singleElement().satisfies(run -> {
            assertThat(run.scheduledFor()).isEqualTo(FIRE);
            assertThat(run.result()).isEqualTo(RunResult.MADE);
        });
        assertThat(again).isEmpty();
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("nightly-12345-20261124");
        assertThat(events(Operation.CREATE_SNAPSHOT)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
        assertThat(events(Operation.CREATE_SNAPSHOT)).allSatisfy(e -> assertThat(e.detail())
                .containsEntry(AuditEvent.POLICY_ID, policy.id().toString())
                .containsEntry(AuditEvent.POLICY_VERSION, "1")
                .containsEntry(AuditEvent.SCHEDULED_FOR, FIRE.toString()));
        // The create is an operation the tracker follows to its end, as a person's create is.
        assertThat(platform.operations.find(org.vpsrecovery.domain.operation.OperationId.parse(
                events(Operation.CREATE_SNAPSHOT).get(0).detail().get(AuditEvent.ATTEMPT_ID)))).isPresent();
    }

    /**
     * While paused after a database restore, a run put off is audited once as its create refused
     * PAUSED_AFTER_RESTORE, naming the policy and the cron time; nothing is made, and the refusal does not count as
     * tried: the tick after the pause still makes the point (ADR 0028, amended in session 52). Only logged before.
     */
    @Test
    void aRunPutOffWhilePausedAfterARestoreIsAuditedOnceAndStillMadeAfterThePause() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.pausedAfterRestore = true;
        RunPoliciesService paused = new RunPoliciesService(() -> Set.of(BLUE, PlatformFixture.GREEN), store,
                platform.ownership, platform.provider, platform.provider, platform.limits, platform.operations,
                platform.holds, platform.serverStates(), new DailyRunCalendar(), platform.attempts(),
                platform.deleteSnapshot(), platform.deleteBackup(), platform.clock);
        Instant from = platform.clock.instant();

        assertThat(paused.auditPutOffWhilePaused(from, FIRE.plus(RunJitter.CAP))).isOne();
        assertThat(paused.auditPutOffWhilePaused(from, FIRE.plus(RunJitter.CAP.multipliedBy(2)))).isZero();

        assertThat(platform.provider.snapshotCount(WEB)).isZero();
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(refused -> {
            assertThat(refused.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.PAUSED_AFTER_RESTORE));
            assertThat(refused.requestId()).isEqualTo(policy.runRequest(WEB, FIRE));
            assertThat(refused.server()).contains(WEB);
            assertThat(refused.detail()).containsEntry(AuditEvent.POLICY_ID, policy.id().toString())
                    .containsEntry(AuditEvent.SCHEDULED_FOR, FIRE.toString());
        });
        assertThat(runs.tick(from, FIRE.plus(RunJitter.CAP))).singleElement().extracting(Run::result)
                .isEqualTo(RunResult.MADE);
        assertThat(platform.provider.snapshotCount(WEB)).isOne();
    }

    /** Every whole minute; counts the cron times it is asked for, the walk's cost. */
    private static final class EveryMinuteCalendar implements org.vpsrecovery.domain.port.RunCalendar {
        final java.util.concurrent.atomic.AtomicLong cronTimesRead = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public Optional<String> refusal(PolicySchedule schedule) {
            return Optional.empty();
        }

        @Override
        public List<Instant> nextRuns(PolicySchedule schedule, Instant after, int count) {
            List<Instant> runs = new ArrayList<>();
            Instant next = after.truncatedTo(java.time.temporal.ChronoUnit.MINUTES).plus(Duration.ofMinutes(1));
            for (int i = 0; i < count; i++, next = next.plus(Duration.ofMinutes(1))) {
                runs.add(next);
            }
            cronTimesRead.addAndGet(count);
            return runs;
        }
    }

    /**
     * A per-minute policy paused a week: each paused tick audits the new cron time once, and a tick after the first
     * walks only the cron times since the one it audited last, not the week's 10,000 (session 53). Before, every paused
     * tick walked every cron time since the window's last end, its cost growing with the pause.
     */
    @Test
    void aPausedTicksCostDoesNotGrowWithThePausesLength() {
        EveryMinuteCalendar calendar = new EveryMinuteCalendar();
        Instant now = platform.clock.instant();
        Instant lastEnd = now.minus(Duration.ofDays(7));
        RecoveryPolicy policy = RecoveryPolicy.created(PolicyId.random(), BLUE, new PolicySpec(
                PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT, new PolicySchedule("* * * * *", ZoneId.of("UTC")),
                new NameTemplate("minutely-{server_id}-{time}"), KEEP_TWO), lastEnd.minus(Duration.ofDays(1)));
        store.add(policy);
        platform.pausedAfterRestore = true;
        RunPoliciesService paused = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership,
                platform.provider, platform.provider, platform.limits, platform.operations, platform.holds,
                platform.serverStates(), calendar, platform.attempts(), platform.deleteSnapshot(), platform.deleteBackup(),
                platform.clock);

        assertThat(paused.auditPutOffWhilePaused(lastEnd, now)).isOne();
        calendar.cronTimesRead.set(0);
        assertThat(paused.auditPutOffWhilePaused(lastEnd, now.plus(Duration.ofMinutes(1)))).isOne();
        assertThat(paused.auditPutOffWhilePaused(lastEnd, now.plus(Duration.ofMinutes(1)))).isZero();

        assertThat(calendar.cronTimesRead.get()).as("cron times walked by the two later ticks").isLessThan(1_000);
        assertThat(events(Operation.CREATE_SNAPSHOT)).extracting(AuditEvent::requestId).doesNotHaveDuplicates()
                .hasSize(2);
        assertThat(platform.provider.snapshotCount(WEB)).isZero();
    }

    /**
     * The clock stepped forward, a cron time then audited, and stepped back: the cron times after the step back are
     * audited again as they come, the one remembered past the window forgotten (session 53). Before, they went unaudited
     * until a restart.
     */
    @Test
    void aPausedTickAfterTheClockSteppedBackAuditsTheRealCronTimes() {
        Instant now = platform.clock.instant();
        Instant lastEnd = now.minus(Duration.ofHours(1));
        RecoveryPolicy policy = RecoveryPolicy.created(PolicyId.random(), BLUE, new PolicySpec(
                PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT, new PolicySchedule("* * * * *", ZoneId.of("UTC")),
                new NameTemplate("minutely-{server_id}-{time}"), KEEP_TWO), lastEnd.minus(Duration.ofDays(1)));
        store.add(policy);
        platform.pausedAfterRestore = true;
        RunPoliciesService paused = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership,
                platform.provider, platform.provider, platform.limits, platform.operations, platform.holds,
                platform.serverStates(), new EveryMinuteCalendar(), platform.attempts(), platform.deleteSnapshot(),
                platform.deleteBackup(), platform.clock);
        platform.clock.advance(Duration.ofHours(2));
        assertThat(paused.auditPutOffWhilePaused(lastEnd, platform.clock.instant())).isOne();

        platform.clock.setTo(now);
        assertThat(paused.auditPutOffWhilePaused(lastEnd, platform.clock.instant())).isOne();
        platform.clock.advance(Duration.ofMinutes(1));
        assertThat(paused.auditPutOffWhilePaused(lastEnd, platform.clock.instant())).isOne();

        assertThat(events(Operation.CREATE_SNAPSHOT)).extracting(e -> e.detail().get(AuditEvent.SCHEDULED_FOR))
                .as("the latest cron time before each tick").containsExactly(now.plus(Duration.ofHours(2)).minus(Duration.ofMinutes(1)).toString(),
                        now.minus(Duration.ofMinutes(1)).toString(), now.toString());
    }

    @Test
    void aWindowBeforeTheJitteredTimeRunsNothingAndTheJitterIsBounded() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        Duration jitter = RunJitter.of(policy.id(), WEB, Duration.ofDays(1));

        assertThat(jitter).isLessThanOrEqualTo(RunJitter.CAP).isEqualTo(RunJitter.of(policy.id(), WEB, Duration.ofDays(1)));
        assertThat(runs.tick(platform.clock.instant(), FIRE.minusSeconds(1))).isEmpty();
        assertThat(runs.tick(FIRE.minusSeconds(1), FIRE.plus(jitter))).singleElement()
                .satisfies(run -> assertThat(run.scheduledFor()).isEqualTo(FIRE));
    }

    /**
     * An uneven schedule (03:00 and 03:05 UTC: gaps of 5 minutes and 23 h 55) ticked every 30 s: each cron time runs
     * once. Its jitter is its own (a tenth of the gap after it), not the one of the gap after the window's start,
     * which judged 03:00 by a short jitter before it and a long one after it: run twice, and 03:05 skipped.
     */
    @Test
    void anUnevenScheduleTickedEveryThirtySecondsRunsEachCronTimeOnce() {
        Duration shortGap = Duration.ofMinutes(5);
        Duration longGap = Duration.ofHours(23).plusMinutes(55);
        // A policy whose short jitter ends within the tick of its cron time and whose long one a minute or more later:
        // the two sides of 03:00 (and of 03:05) disagree.
        PolicyId id = java.util.stream.LongStream.rangeClosed(1, 10_000)
                .mapToObj(n -> new PolicyId(new java.util.UUID(0x5eedL, n)))
                .filter(p -> RunJitter.of(p, WEB, shortGap).toSeconds() < 15
                        && RunJitter.of(p, WEB, longGap).minus(RunJitter.of(p, WEB, shortGap)).toSeconds() >= 60)
                .findFirst().orElseThrow();
        store.add(RecoveryPolicy.created(id, BLUE, new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.SNAPSHOT,
                new PolicySchedule("0,5 3 * * *", ZoneId.of("UTC")), new NameTemplate("uneven-{server_id}-{time}"),
                new RetentionRules(10, Duration.ZERO, 0, 0, 0, 0, false)), platform.clock.instant()));

        List<Instant> ran = new ArrayList<>();
        Instant from = Instant.parse("2026-11-24T02:59:15Z");
        for (Instant to = from.plusSeconds(30); !to.isAfter(Instant.parse("2026-11-24T03:12:00Z")); to = to.plusSeconds(30)) {
            runs.tick(from, to).forEach(run -> ran.add(run.scheduledFor()));
            from = to;
        }

        assertThat(ran).containsExactly(Instant.parse("2026-11-24T03:00:00Z"), Instant.parse("2026-11-24T03:05:00Z"));
    }

    /**
     * A tick that did not end (an instance stopped during it, a read failed after some runs) leaves its window's end
     * unkept, so the window is ticked again: the runs it made are not made twice.
     */
    @Test
    void aWindowTickedAgainDoesNotMakeItsRunsTwice() {
        nightly(KEEP_THREE);

        List<Run> first = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));
        List<Run> replayed = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(first).singleElement().extracting(Run::result).isEqualTo(RunResult.MADE);
        assertThat(replayed).isEmpty();
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(1);
        assertThat(events(Operation.CREATE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted).hasSize(1);
    }

    /**
     * Whether a cron time was tried is read by the run's request id (ADR 0036, amended in session 39): a busy server,
     * whose newer operations (other clients' deletes, holds' restores) number more than a page of the server's
     * newest, still has its run's create found, and a window ticked again or a retry revived later makes no second.
     */
    @Test
    void aRunIsFoundTriedHoweverManyNewerOperationsItsServerHad() {
        RecoveryPolicy policy = nightly(KEEP_THREE);
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        Instant from = Instant.parse("2026-11-23T09:00:00Z");
        assertThat(runs.tick(from, FIRE.plus(RunJitter.CAP))).singleElement().extracting(Run::result)
                .isEqualTo(RunResult.MADE);
        for (int i = 0; i <= org.vpsrecovery.domain.port.RecoveryOperations.MAX_PAGE; i++) {
            Instant at = platform.clock.instant().plusSeconds(1 + i);
            org.vpsrecovery.domain.operation.RecoveryOperation delete = org.vpsrecovery.domain.operation.RecoveryOperation
                    .accepted(org.vpsrecovery.domain.operation.OperationId.random(), BLUE,
                            new org.vpsrecovery.domain.common.RequestId("busy-delete-" + i), Operation.DELETE_SNAPSHOT, WEB,
                            Optional.of(ResourceRef.of(new SnapshotId(900_000 + i))), at, Duration.ofMinutes(30));
            platform.operations.add(delete);
            platform.operations.update(delete, delete.refused(at, "VPS.org refused it"));
        }
        platform.clock.advance(Duration.ofMinutes(20));

        List<Run> replayed = runs.tick(from, FIRE.plus(RunJitter.CAP));
        Optional<Run> revived = runs.retry(BLUE, policy.id(), WEB, FIRE);

        assertThat(replayed).isEmpty();
        assertThat(revived).isEmpty();
        assertThat(platform.provider.snapshotCount(WEB)).isOne();
        assertThat(events(Operation.CREATE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted).hasSize(1);
    }

    /**
     * VPS.org answering each create in 10 s, under its timeout (ADR 0028, amended in session 46): a tick whose budget is
     * spent takes no further pair and says the last one it reached; the next tick of the same window starts with the pair
     * after it, so each due pair runs once, none is left out, and the policy of the pair reached may be gone meanwhile.
     * Before, a tick ran its whole window on one job thread however slow VPS.org was.
     */
    @Test
    void aTickWhoseBudgetIsSpentStopsBetweenPairsAndTheNextTickOfTheWindowCarriesOnAfterTheLastItReached() {
        org.vpsrecovery.domain.port.SnapshotProvider slow = new org.vpsrecovery.domain.testing.ForwardingSnapshotProvider(
                platform.provider) {
            @Override
            public Snapshot createSnapshot(org.vpsrecovery.domain.snapshot.SnapshotDraft draft) {
                platform.clock.advance(Duration.ofSeconds(10));
                return super.createSnapshot(draft);
            }
        };
        RunPoliciesService overSlowVpsOrg = new RunPoliciesService(() -> Set.of(BLUE, PlatformFixture.GREEN), store,
                platform.ownership, slow, platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(),
                new DailyRunCalendar(), platform.attempts(), platform.deleteSnapshot(), platform.deleteBackup(), platform.clock);
        RecoveryPolicy blue = policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB,
                PlatformFixture.SPARE)), PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")),
                new NameTemplate("nightly-{server_id}-{date}"), KEEP_THREE));
        policies.create(platform.as(PlatformFixture.GREEN), new PolicySpec(PolicyServers.of(List.of(
                PlatformFixture.GREEN_SERVER)), PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *",
                ZoneId.of("Europe/Berlin")), new NameTemplate("nightly-{server_id}-{date}"), KEEP_THREE));
        Instant from = platform.clock.instant();
        Instant to = FIRE.plus(RunJitter.CAP);

        // The first create ends at 10 s, the second begins before 15 s and ends at 20 s: green's pair is not begun.
        RunPoliciesService.Ticked first = overSlowVpsOrg.tick(from, to, Optional.empty(),
                org.vpsrecovery.application.job.RunBudget.startingNow(platform.clock::nanoTime, Duration.ofSeconds(15)));

        assertThat(first.runs()).extracting(Run::server).containsExactly(WEB, PlatformFixture.SPARE);
        assertThat(first.runs()).extracting(Run::result).containsOnly(RunResult.MADE);
        assertThat(first.stoppedAfter()).hasValueSatisfying(reached -> {
            assertThat(reached.policy()).isEqualTo(blue.id());
            assertThat(reached.server()).isEqualTo(PlatformFixture.SPARE);
        });
        assertThat(platform.provider.snapshotCount(PlatformFixture.GREEN_SERVER)).isZero();

        store.remove(store.find(BLUE, blue.id()).orElseThrow()); // the reached pair's policy, gone before the next tick
        RunPoliciesService.Ticked second = overSlowVpsOrg.tick(from, to, first.stoppedAfter(),
                org.vpsrecovery.application.job.RunBudget.startingNow(platform.clock::nanoTime, Duration.ofSeconds(15)));

        assertThat(second.windowDone()).isTrue();
        assertThat(second.runs()).singleElement().satisfies(run -> {
            assertThat(run.server()).isEqualTo(PlatformFixture.GREEN_SERVER);
            assertThat(run.result()).isEqualTo(RunResult.MADE);
        });
        assertThat(platform.provider.snapshotCount(WEB)).isOne();
        assertThat(platform.provider.snapshotCount(PlatformFixture.SPARE)).isOne();
        assertThat(platform.provider.snapshotCount(PlatformFixture.GREEN_SERVER)).isOne();
        assertThat(events(Operation.CREATE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted).hasSize(3);
    }

    @Test
    void aWeekOfDowntimeYieldsOneRunForTheLatestTimeNotOnePerMissedTick() {
        nightly(new RetentionRules(10, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> late = runs.tick(platform.clock.instant(), Instant.parse("2026-11-30T12:00:00Z"));

        assertThat(late).singleElement().satisfies(run ->
                assertThat(run.scheduledFor()).isEqualTo(Instant.parse("2026-11-30T02:00:00Z")));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(1);
    }

    /**
     * A window holding three cron times of a pair (downtime, or a tick longer than the policy's interval) runs the latest
     * only; the two merged into it are said at WARN with the policy and the server, and counted (ADR 0028, amended in
     * session 45). Before, nothing said so.
     */
    @Test
    void cronTimesAWindowMergesIntoItsLatestAreLoggedAtWarnWithThePolicyAndServerAndCounted() {
        RecoveryPolicy policy = nightly(new RetentionRules(10, Duration.ZERO, 0, 0, 0, 0, false));
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(RunPoliciesService.class.getName());
        List<java.util.logging.LogRecord> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel() == java.util.logging.Level.WARNING) {
                    warnings.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(capture);
        try {
            List<Run> done = runs.tick(platform.clock.instant(), Instant.parse("2026-11-26T12:00:00Z"));

            assertThat(done).singleElement().extracting(Run::scheduledFor).isEqualTo(Instant.parse("2026-11-26T02:00:00Z"));
            assertThat(runs.mergedCronTimes()).isEqualTo(2);
            assertThat(warnings).singleElement().satisfies(warning -> assertThat(
                    java.text.MessageFormat.format(warning.getMessage(), warning.getParameters()))
                    .contains(policy.id().toString(), "server " + WEB.value(), "2 cron time(s)",
                            "2026-11-24T02:00:00Z", "2026-11-25T02:00:00Z"));

            runs.tick(Instant.parse("2026-11-26T12:00:00Z"), Instant.parse("2026-11-27T12:00:00Z"));

            assertThat(runs.mergedCronTimes()).isEqualTo(2); // one cron time in the window: nothing merged
            assertThat(warnings).hasSize(1);
        } finally {
            logger.removeHandler(capture);
        }
    }

    @Test
    void aChangedPolicyRunsAtItsNewTimesAndADeletedOneNoMore() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.clock.advance(Duration.ofHours(1));
        policies.update(platform.as(BLUE), policy.id(), OptionalLong.of(1), new PolicySpec(PolicyServers.of(List.of(WEB)),
                PolicyKind.SNAPSHOT, new PolicySchedule("30 4 * * *", ZoneId.of("UTC")),
                new NameTemplate("early-{server_id}-{date}"), KEEP_TWO));

        assertThat(runs.tick(Instant.parse("2026-11-23T09:00:00Z"), Instant.parse("2026-11-24T12:00:00Z")))
                .singleElement().satisfies(run -> assertThat(run.scheduledFor()).isEqualTo(Instant.parse("2026-11-24T04:30:00Z")));
        policies.delete(platform.as(BLUE), policy.id(), OptionalLong.empty());
        assertThat(runs.tick(Instant.parse("2026-11-24T12:00:00Z"), Instant.parse("2026-11-26T12:00:00Z"))).isEmpty();
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("early-12345-20261124");
    }

    @Test
    void atTheLimitTheOldestPolicyMadePointRetentionDropsIsRotatedUnderTheSameLock() {
        addNightly(801, 1, "by-hand");
        for (int day = 19; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        // Keep three: with the run's point counted, 919 and 920 are let go; only one goes, for room, and
        // after the run 920-922 are the three newest completed, so retention drops nothing more.
        nightly(KEEP_THREE);

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.removed()).containsExactly(ResourceRef.of(new SnapshotId(919)));
        });
        // 919 is the oldest the policy made; the older person-made 801 stays.
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(s -> s.id().value())
                .doesNotContain(919L).contains(801L, 920L, 921L, 922L).hasSize(5);
        assertThat(events(Operation.DELETE_SNAPSHOT)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
        assertThat(events(Operation.DELETE_SNAPSHOT).get(0).resource()).contains(ResourceRef.of(new SnapshotId(919)));
        assertThat(events(Operation.CREATE_SNAPSHOT).get(0).detail()).containsEntry(AuditEvent.ROTATED, "snapshot 919");
    }

    /**
     * Two ticks of one window at once: db-scheduler revives a run whose heartbeats stopped while it still runs (a
     * failover, a pool exhausted) and another instance ticks the same window. The second read "not yet" before the first
     * stored its create, then waited for the server's lock: under it, it finds the cron time tried and does nothing, so
     * neither a second point is made nor a second kept point rotated away, and nothing is audited for it.
     */
    @Test
    void aSecondTickOfTheSameWindowWaitingForTheLockMakesNoSecondPointAndRotatesNothingMore() throws Exception {
        addNightly(801, 1, "by-hand");
        for (int day = 19; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        nightly(KEEP_THREE);
        java.util.concurrent.CountDownLatch firstInItsCheck = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch firstMayGoOn = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch secondAtTheLock = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicBoolean blockOnce = new java.util.concurrent.atomic.AtomicBoolean(true);
        // The first tick's quota list, read under the lock, waits until the second tick waits for that lock.
        org.vpsrecovery.domain.port.SnapshotProvider slowList = (org.vpsrecovery.domain.port.SnapshotProvider)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.vpsrecovery.domain.port.SnapshotProvider.class}, (proxy, method, args) -> {
                            if (method.getName().equals("listSnapshots") && blockOnce.compareAndSet(true, false)) {
                                firstInItsCheck.countDown();
                                firstMayGoOn.await();
                            }
                            try {
                                return method.invoke(platform.provider, args);
                            } catch (java.lang.reflect.InvocationTargetException thrown) {
                                throw thrown.getCause();
                            }
                        });
        org.vpsrecovery.domain.port.ServerLock shared = new org.vpsrecovery.domain.testing.InMemoryServerLock(
                Duration.ofSeconds(30));
        java.util.concurrent.atomic.AtomicInteger lockers = new java.util.concurrent.atomic.AtomicInteger();
        org.vpsrecovery.domain.port.ServerLock seen = new org.vpsrecovery.domain.port.ServerLock() {
            @Override
            public <T> T callExclusively(org.vpsrecovery.domain.server.ServerId server, java.util.function.Supplier<T> work) {
                if (lockers.incrementAndGet() == 2) {
                    secondAtTheLock.countDown(); // past its own read of "tried" (made before the lock), now waiting
                }
                return shared.callExclusively(server, work);
            }
        };
        RunPoliciesService overlapping = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership, slowList,
                platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(), new DailyRunCalendar(),
                platform.attempts(seen), platform.deleteSnapshot(), platform.deleteBackup(), platform.clock);
        Instant from = platform.clock.instant();
        java.util.concurrent.ExecutorService ticks = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            java.util.concurrent.Future<List<Run>> first = ticks.submit(() -> overlapping.tick(from, FIRE.plus(RunJitter.CAP)));
            assertThat(firstInItsCheck.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue(); // a bound, not a timing
            java.util.concurrent.Future<List<Run>> second = ticks.submit(() -> overlapping.tick(from, FIRE.plus(RunJitter.CAP)));
            assertThat(secondAtTheLock.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            firstMayGoOn.countDown();

            assertThat(first.get()).singleElement().satisfies(run -> {
                assertThat(run.result()).isEqualTo(RunResult.MADE);
                assertThat(run.removed()).containsExactly(ResourceRef.of(new SnapshotId(919)));
            });
            assertThat(second.get()).isEmpty();
        } finally {
            firstMayGoOn.countDown();
            ticks.shutdownNow();
        }

        assertThat(platform.providerCallsStartingWith("create snapshot")).isOne();
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(s -> s.id().value())
                .contains(801L, 920L, 921L, 922L).doesNotContain(919L).hasSize(5);
        assertThat(events(Operation.DELETE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted)
                .singleElement().satisfies(e -> assertThat(e.resource()).contains(ResourceRef.of(new SnapshotId(919))));
        assertThat(events(Operation.CREATE_SNAPSHOT)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
    }

    private RecoveryPolicy nightlyOnBothServers() {
        return policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB, PlatformFixture.SPARE)),
                PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")),
                new NameTemplate("nightly-{server_id}-{date}"), KEEP_TWO));
    }

    /**
     * A graceful stop interrupts a tick still running after the scheduler's shutdown wait: every later lock wait of the
     * thread fails at once. The due pairs are not refused "busy" (no REJECTED, so no request.rejected webhook): the tick
     * ends, writing nothing, and throws, so its window's end is not kept and the window is ticked again.
     */
    @Test
    void anInterruptedTickRunsNoMorePairsAndWritesNoRefusalForThem() {
        nightlyOnBothServers();

        Thread.currentThread().interrupt();
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> runs.tick(platform.clock.instant(),
                    FIRE.plus(RunJitter.CAP))).isInstanceOf(RunPoliciesService.TickStopped.class);
        } finally {
            Thread.interrupted();
        }

        assertThat(events(Operation.CREATE_SNAPSHOT)).isEmpty();
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /** The stop comes while the tick waits for the first pair's lock: that pair is not refused "busy" either. */
    @Test
    void aTickInterruptedWhileWaitingForAServersLockWritesNoRefusalAndRunsNoMorePairs() throws Exception {
        nightlyOnBothServers();
        Instant from = platform.clock.instant();

        Object ended = tickStoppedAtWebsLock(runs -> runs.tick(from, FIRE.plus(RunJitter.CAP)));

        assertThat(ended).isInstanceOf(RunPoliciesService.TickStopped.class);
        assertThat(events(Operation.CREATE_SNAPSHOT)).isEmpty();
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /**
     * A stop that cuts the first pair's lock wait short when the budget is spent too: the tick is stopped, not ended
     * with that pair reached, else the window would go on after a pair whose run never happened (review of the merge of
     * jobticks, session 46; this ended {@code Ticked} with the pair reached before).
     */
    @Test
    void aStopAtAPairsLockWithTheBudgetSpentKeepsThatPairUnreached() throws Exception {
        nightlyOnBothServers();
        Instant from = platform.clock.instant();
        org.vpsrecovery.application.job.RunBudget budget = org.vpsrecovery.application.job.RunBudget.startingNow(
                platform.clock::nanoTime, Duration.ofSeconds(1));
        platform.clock.advance(Duration.ofSeconds(2)); // spent before the first pair, which is taken all the same

        Object ended = tickStoppedAtWebsLock(runs -> runs.tick(from, FIRE.plus(RunJitter.CAP), Optional.empty(), budget));

        assertThat(events(Operation.CREATE_SNAPSHOT)).isEmpty();
        assertThat(ended).isInstanceOf(RunPoliciesService.TickStopped.class);
    }

    /**
     * Runs {@code tick} on its own thread over a service whose locks another request holds on WEB (the first pair's
     * server, the lower id) and interrupts it (a stop) once it waits for that lock: what the tick returned or threw.
     */
    private Object tickStoppedAtWebsLock(java.util.function.Function<RunPoliciesService, Object> tick) throws Exception {
        org.vpsrecovery.domain.port.ServerLock shared = new org.vpsrecovery.domain.testing.InMemoryServerLock(
                Duration.ofSeconds(30));
        java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch tickAtTheLock = new java.util.concurrent.CountDownLatch(1);
        org.vpsrecovery.domain.port.ServerLock seen = new org.vpsrecovery.domain.port.ServerLock() {
            @Override
            public <T> T callExclusively(org.vpsrecovery.domain.server.ServerId server, java.util.function.Supplier<T> work) {
                tickAtTheLock.countDown();
                return shared.callExclusively(server, work);
            }
        };
        RunPoliciesService stopped = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership,
                platform.provider, platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(),
                new DailyRunCalendar(), platform.attempts(seen), platform.deleteSnapshot(), platform.deleteBackup(),
                platform.clock);
        Thread holder = Thread.ofPlatform().start(() -> shared.callExclusively(WEB, () -> {
            held.countDown();
            try {
                return release.await(1, java.util.concurrent.TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                return false;
            }
        }));
        java.util.concurrent.atomic.AtomicReference<Object> ended = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            assertThat(held.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue(); // a bound, not a timing
            Thread ticking = Thread.ofPlatform().start(() -> {
                try {
                    ended.set(tick.apply(stopped));
                } catch (Throwable thrown) {
                    ended.set(thrown);
                }
            });
            assertThat(tickAtTheLock.await(1, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
            ticking.interrupt();
            ticking.join();
        } finally {
            release.countDown();
            holder.join();
        }
        return ended.get();
    }

    /**
     * At the limit, the rotation's delete is refused by VPS.org. Nothing was rotated and the create was never sent: a
     * failed run (retried), not a refused one, and no {@code rotated} detail. (A restore window refused the delete here
     * before session 49; a run now puts a restoring server off before any rotation, below.)
     */
    @Test
    void aRotationWhoseDeleteIsRefusedFailsTheRunForARetryAndNamesNothingRotated() {
        for (int day = 18; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        platform.provider.breakNextCall("delete snapshot", new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.REJECTED, "refused"));
        nightly(KEEP_TWO);

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.FAILED);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(events(Operation.DELETE_SNAPSHOT)).last().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "refused")));
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isInstanceOf(Outcome.Failed.class);
            assertThat(e.detail()).doesNotContainKey(AuditEvent.ROTATED);
        });
    }

    /**
     * A run on a server a restore holds is put off: VPS.org overwrites the server's data, so a point made then would be of
     * neither the old data nor the restored, yet tracked completed and kept as the newest while older good points rotate
     * away. The create is audited FAILED {@code SERVER_RESTORING}, VPS.org not asked (nothing listed, created nor
     * rotated), and the run PUT_OFF until the hold's end, when it is owed again (ADR 0028, amended in session 50: it was
     * FAILED, retried at 1, 2 and 4 minutes, all inside a 15-minute hold); once the restore's hold is over the retry
     * makes it (ADR 0003, amended in session 49). Before session 49, the run made its point during the restore.
     */
    @Test
    void aRunOnAServerARestoreHoldsIsPutOffUntilTheHoldsEndAndMadeByItsRetryThen() {
        addNightly(918, 18, "nightly-12345-20261118");
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        Instant holdEnds = platform.clock.instant().plus(org.vpsrecovery.application.attempt.ServerStates
                .DOCUMENTED_RESTORE_WINDOW);
        platform.restoreSnapshot().restoreSnapshot(new org.vpsrecovery.application.snapshot.RestoreSnapshotCommand(
                platform.as(BLUE), new SnapshotId(918)));
        long callsBefore = platform.provider.calls().size();

        List<Run> done = runs.tick(FIRE.minus(Duration.ofHours(1)), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.PUT_OFF);
            assertThat(run.putOffUntil()).contains(holdEnds);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(platform.provider.calls().subList((int) callsBefore, platform.provider.calls().size()))
                .as("VPS.org not asked").isEmpty();
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
                assertThat(failed.reasonCode()).contains(ReasonCode.SERVER_RESTORING);
                assertThat(failed.cause()).contains("put off", "tried again when the hold ends (" + holdEnds + ")");
            });
            assertThat(e.detail()).containsEntry(AuditEvent.POLICY_ID, policy.id().toString());
        });

        platform.clock.advance(Duration.between(platform.clock.instant(), holdEnds));
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run ->
                assertThat(run.result()).isEqualTo(RunResult.MADE));
        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(Snapshot::name)
                .contains("nightly-12345-20261124");
    }

    /**
     * A restore's hold that lasts until the run's next cron time or later: the run is missed, not put off to a time it is
     * no longer owed at, and its audited failure says why (ADR 0028, amended in session 50). A policy at 02:00 and 02:10,
     * a snapshot restore's 15-minute window.
     */
    @Test
    void aRunARestoreHoldsPastItsNextCronTimeIsMissedAndItsEventSaysWhy() {
        addNightly(918, 18, "nightly-12345-20261118");
        RecoveryPolicy policy = policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB)),
                PolicyKind.SNAPSHOT, new PolicySchedule("0,10 2 * * *", ZoneId.of("UTC")),
                new NameTemplate("often-{server_id}-{date}-{time}"), KEEP_TWO));
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        platform.restoreSnapshot().restoreSnapshot(new org.vpsrecovery.application.snapshot.RestoreSnapshotCommand(
                platform.as(BLUE), new SnapshotId(918)));

        List<Run> done = runs.tick(FIRE.minus(Duration.ofMinutes(5)), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.scheduledFor()).isEqualTo(FIRE);
            assertThat(run.result()).isEqualTo(RunResult.MISSED);
            assertThat(run.putOffUntil()).isEmpty();
        });
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
                assertThat(failed.reasonCode()).contains(ReasonCode.SERVER_RESTORING);
                assertThat(failed.cause()).contains("run is missed");
            });
            assertThat(e.detail()).containsEntry(AuditEvent.POLICY_ID, policy.id().toString());
        });
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /** A rotation delete whose answer was lost may have happened: the create's failure does not say it did not. */
    @Test
    void aRotationDeleteWithoutAnAnswerIsNotSaidNotToHaveHappened() {
        for (int day = 18; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        nightly(KEEP_TWO);
        platform.provider.loseNextMutationAnswer();

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.FAILED));
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> assertThat(failed.cause())
                    .contains("got no answer, so whether it happened is not known yet").doesNotContain("did not happen"));
            assertThat(e.detail()).doesNotContainKey(AuditEvent.ROTATED);
        });
    }

    /**
     * At the limit, VPS.org refuses the rotation's delete for good (HTTP 423, the snapshot protected there): the run is
     * refused ROTATION_NOT_POSSIBLE naming the point and VPS.org's words, not FAILED and retried into the same refusal,
     * and no other point is deleted instead (ADR 0028, amended in session 49). Before: FAILED, retried.
     */
    @Test
    void aRotationDeleteVpsOrgRefusesForGoodRefusesTheRunRotationNotPossibleAndRotatesNoOther() {
        for (int day = 18; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        platform.provider.refuseDeletesOf(ResourceRef.of(new SnapshotId(918)), new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.REJECTED,
                "VPS.org refused to delete snapshot 918 (unexpected HTTP 423): Snapshot is protected",
                java.util.OptionalInt.of(423), Optional.empty(), null));
        nightly(KEEP_TWO);

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.REFUSED);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(s -> s.id().value())
                .containsExactlyInAnyOrder(918L, 919L, 920L, 921L, 922L);
        assertThat(events(Operation.DELETE_SNAPSHOT)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Failed.class);
        assertThat(events(Operation.DELETE_SNAPSHOT)).allSatisfy(e -> assertThat(e.resource())
                .contains(ResourceRef.of(new SnapshotId(918))));
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.ROTATION_NOT_POSSIBLE));
            assertThat(e.detail().get(AuditEvent.MESSAGE)).contains("snapshot 918", "Snapshot is protected");
            assertThat(e.detail()).doesNotContainKey(AuditEvent.ROTATED);
        });
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /**
     * At the limit, VPS.org refuses the rotation's delete with words of a passing state (the server being restored
     * there), and no Retry-After: "not now", so the run FAILED and retried, never REFUSED until its next cron time
     * (ADR 0010 and 0028, amended in session 50).
     */
    @Test
    void aRotationDeleteVpsOrgRefusesForAPassingStateFailsTheRunForARetry() {
        for (int day = 18; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        platform.provider.refuseDeletesOf(ResourceRef.of(new SnapshotId(918)),
                org.vpsrecovery.domain.port.ProviderFailure.refusedInAPassingState(
                        org.vpsrecovery.domain.port.ProviderFailure.Kind.REJECTED,
                        "VPS.org refused to delete snapshot 918 (HTTP 409): Server is being restored",
                        java.util.OptionalInt.of(409)));
        nightly(KEEP_TWO);

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.FAILED));
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e ->
                assertThat(e.outcome()).isInstanceOf(Outcome.Failed.class));
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /**
     * The deletes of a policy's rotation and of its retention after the run name the policy and the version whose rules
     * deleted the point in every event (ADR 0028, amended in session 49); before, only the request id named the policy,
     * and after an edit nothing told which version's rules had deleted a point.
     */
    @Test
    void rotationAndRetentionDeletesNameThePolicyAndTheVersionWhoseRulesDeletedThePoint() {
        addNightly(801, 1, "by-hand");
        for (int day = 18; day <= 21; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        RecoveryPolicy first = nightly(KEEP_THREE);
        policies.update(platform.as(BLUE), first.id(), OptionalLong.of(1), new PolicySpec(PolicyServers.of(List.of(WEB)),
                PolicyKind.SNAPSHOT, first.spec().schedule(), first.spec().nameTemplate(), KEEP_TWO));

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        // Keep two of version 2: 918 rotated for room; once the point is made, 919 dropped too.
        assertThat(done).singleElement().satisfies(run -> assertThat(run.removed())
                .containsExactly(ResourceRef.of(new SnapshotId(918)), ResourceRef.of(new SnapshotId(919))));
        assertThat(events(Operation.DELETE_SNAPSHOT)).extracting(e -> e.requestId().value()).contains(
                "policy-rotation:" + first.id() + ":snapshot:918", "policy-retention:" + first.id() + ":snapshot:919");
        assertThat(events(Operation.DELETE_SNAPSHOT)).hasSizeGreaterThanOrEqualTo(4).allSatisfy(e -> assertThat(e.detail())
                .containsEntry(AuditEvent.POLICY_ID, first.id().toString())
                .containsEntry(AuditEvent.POLICY_VERSION, "2"));
    }

    @Test
    void aHeldPointIsNeverRotatedTheNextOldestIs() {
        for (int day = 18; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        platform.holds.place(RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, WEB,
                ResourceRef.of(new SnapshotId(918)), new HoldReason("incident 4711"), new HoldActor.Team(BLUE),
                platform.clock.instant()));
        nightly(KEEP_TWO);

        runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(platform.provider.listSnapshots(java.util.Optional.of(WEB))).extracting(s -> s.id().value())
                .contains(918L).doesNotContain(919L);
    }

    @Test
    void whenOnlyPersonMadeOrHeldPointsRemainTheRunIsRefusedAndAudited() {
        addNightly(801, 1, "by-hand-1");
        addNightly(802, 2, "by-hand-2");
        addNightly(803, 3, "by-hand-3");
        addNightly(921, 21, "nightly-12345-20261121");
        addNightly(922, 22, "nightly-12345-20261122");
        platform.holds.place(RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, WEB,
                ResourceRef.of(new SnapshotId(921)), new HoldReason("incident 4711"), new HoldActor.Team(BLUE),
                platform.clock.instant()));
        nightly(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));
        List<String> callsBefore = platform.provider.calls();

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.REFUSED));
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(platform.provider.calls().subList(callsBefore.size(), platform.provider.calls().size()))
                .allMatch(call -> call.startsWith("list"));
        assertThat(events(Operation.DELETE_SNAPSHOT)).isEmpty();
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.ROTATION_NOT_POSSIBLE)));
    }

    // Issue 14's leftovers (ADR 0036).

    private RecoveryPolicy nightlyBackups(RetentionRules retention) {
        return policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB)), PolicyKind.MANUAL_BACKUP,
                new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")), new NameTemplate("nightly-{server_id}-{date}"),
                retention));
    }

    private void addBackup(long id, int day, String description) {
        platform.provider.addBackup(new Backup(new BackupId(id), platform.web, BackupType.MANUAL, CreationStatus.COMPLETED,
                OptionalLong.of(10), Instant.parse("2026-11-%02dT02:00:00Z".formatted(day)), Optional.empty(), description));
    }

    @Test
    void aManualBackupPolicyAtItsLimitRotatesTheOldestBackupItMadeThroughTheAuditedDelete() {
        addBackup(701, 1, "by hand");
        addBackup(702, 2, "by hand too");
        for (int day = 13; day <= 20; day++) {
            addBackup(700 + day, day, "nightly-12345-202611" + day);
        }
        assertThat(platform.provider.manualBackupCount(WEB)).isEqualTo(10);
        RecoveryPolicy policy = nightlyBackups(new RetentionRules(8, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.removed()).containsExactly(ResourceRef.of(new BackupId(713)));
        });
        assertThat(platform.provider.backup(new BackupId(713))).isEmpty();
        assertThat(platform.provider.backup(new BackupId(701))).isPresent();
        assertThat(platform.provider.backup(new BackupId(702))).isPresent();
        assertThat(platform.provider.manualBackupCount(WEB)).isEqualTo(10);
        assertThat(events(Operation.DELETE_BACKUP)).extracting(AuditEvent::outcome)
                .hasExactlyElementsOfTypes(Outcome.Accepted.class, Outcome.Submitted.class);
        assertThat(events(Operation.DELETE_BACKUP)).allSatisfy(e -> {
            assertThat(e.resource()).contains(ResourceRef.of(new BackupId(713)));
            assertThat(e.requestId().value()).isEqualTo("policy-rotation:" + policy.id() + ":backup:713");
        });
        assertThat(events(Operation.CREATE_MANUAL_BACKUP)).filteredOn(e -> e.outcome() instanceof Outcome.Submitted)
                .singleElement().satisfies(e -> assertThat(e.detail()).containsEntry(AuditEvent.ROTATED, "backup 713")
                        .containsEntry(AuditEvent.POLICY_ID, policy.id().toString()));
    }

    /**
     * At the limit, the backup a run's rotation chose becomes the source of a restore holding another server (the spare,
     * its 60-minute window) before its delete: the rotation's read of which points are held did not see that restore
     * (another instance stored it between the two; here, the read is given the operations without their live restores).
     * The delete is refused RECOVERY_POINT_IN_USE until the hold ends. The run is put off until then, spending no
     * failure attempt, its create's event saying when it is tried again; at the hold's end its retry rotates and makes
     * the point (ADR 0028, amended in session 51). It was FAILED, retried at 1, 2 and 4 minutes, all inside the hold.
     */
    @Test
    void aRunWhoseRotationMeetsARestoresHoldOnThePointIsPutOffUntilTheHoldEndsAndMadeThen() {
        for (int day = 11; day <= 20; day++) {
            addBackup(700 + day, day, "nightly-12345-202611" + day);
        }
        RecoveryPolicy policy = nightlyBackups(new RetentionRules(8, Duration.ZERO, 0, 0, 0, 0, false));
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        platform.restoreServerFromBackup().restoreServerFromBackup(
                new org.vpsrecovery.application.backup.RestoreServerFromBackupCommand(platform.as(BLUE),
                        PlatformFixture.SPARE, new BackupId(711)));
        org.vpsrecovery.domain.port.RecoveryOperations restoreNotSeenYet =
                (org.vpsrecovery.domain.port.RecoveryOperations) java.lang.reflect.Proxy.newProxyInstance(
                        getClass().getClassLoader(), new Class<?>[] {org.vpsrecovery.domain.port.RecoveryOperations.class},
                        (proxy, method, args) -> method.getName().equals("liveRestores") ? List.of()
                                : method.invoke(platform.operations, args));
        RunPoliciesService runs = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership,
                platform.provider, platform.provider, platform.limits, restoreNotSeenYet, platform.holds,
                platform.serverStates(), new DailyRunCalendar(), platform.attempts(), platform.deleteSnapshot(),
                platform.deleteBackup(), platform.clock);

        List<Run> done = runs.tick(FIRE.minus(Duration.ofHours(1)), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.PUT_OFF);
            assertThat(run.putOffUntil()).hasValueSatisfying(end -> assertThat(end).isAfter(platform.clock.instant()));
        });
        Instant holdEnds = done.getFirst().putOffUntil().orElseThrow();
        assertThat(events(Operation.DELETE_BACKUP)).last().satisfies(e -> assertThat(e.outcome())
                .isEqualTo(new Outcome.Rejected(ReasonCode.RECOVERY_POINT_IN_USE)));
        assertThat(events(Operation.CREATE_MANUAL_BACKUP)).singleElement().satisfies(e ->
                assertThat(e.outcome()).isInstanceOfSatisfying(Outcome.Failed.class, failed -> {
                    assertThat(failed.reasonCode()).contains(ReasonCode.RECOVERY_POINT_IN_USE);
                    assertThat(failed.cause()).contains("tried again when the hold ends (" + holdEnds + ")");
                }));
        assertThat(platform.provider.backup(new BackupId(711))).isPresent();

        platform.clock.advance(Duration.between(platform.clock.instant(), holdEnds));
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.removed()).contains(ResourceRef.of(new BackupId(711)));
        });
    }

    @Test
    void aManualBackupPolicyWithNothingToLetGoIsRefusedWithAReasonAndNothingIsDeleted() {
        for (int day = 1; day <= 10; day++) {
            addBackup(700 + day, day, "by hand " + day);
        }
        nightlyBackups(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.REFUSED);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(platform.provider.manualBackupCount(WEB)).isEqualTo(10);
        assertThat(events(Operation.DELETE_BACKUP)).isEmpty();
        // A REJECTED event: the webhook outbox sends it as request.rejected (ADR 0025).
        assertThat(events(Operation.CREATE_MANUAL_BACKUP)).singleElement().satisfies(e ->
                assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.ROTATION_NOT_POSSIBLE)));
    }

    /**
     * A list joined from pages can leave out a manual backup that is there (ADR 0010, amended in session 38): the run's
     * limit is checked on the list read consistently, so a server at its limit is refused, not given an eleventh.
     */
    @Test
    void aManualBackupLeftOutOfAPagedListStillCountsAtTheRunsLimit() {
        for (int day = 1; day <= 10; day++) {
            addBackup(700 + day, day, "by hand " + day);
        }
        platform.provider.leaveOutOfPagedLists(ResourceRef.of(new BackupId(705)));
        nightlyBackups(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> assertThat(run.result()).isEqualTo(RunResult.REFUSED));
        assertThat(platform.provider.manualBackupCount(WEB)).isEqualTo(10);
    }

    @Test
    void retentionStopsAtTheFirstDeleteRefusedServerLockLostAndAsksVpsOrgNoMore() {
        for (int day = 19; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        nightly(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));
        // The lock's session ends once the run's point is made: retention's hold is lost (ADR 0023, amended session 40).
        org.vpsrecovery.domain.port.ServerLock losing = new org.vpsrecovery.domain.testing.LosableServerLock(
                Duration.ofSeconds(30), () -> platform.providerCallsStartingWith("create snapshot") > 0);
        RunPoliciesService losingTheLock = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership,
                platform.provider, platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(),
                new DailyRunCalendar(), platform.attempts(losing), platform.deleteSnapshot(), platform.deleteBackup(),
                platform.clock);

        List<Run> done = losingTheLock.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.removed()).isEmpty();
        });
        // Retention drops three points; the first is refused SERVER_LOCK_LOST and the others are not tried.
        assertThat(events(Operation.DELETE_SNAPSHOT)).singleElement().satisfies(refused -> {
            assertThat(refused.outcome().kind()).isEqualTo(Outcome.Kind.REJECTED);
            assertThat(refused.outcome().reasonCode()).contains(ReasonCode.SERVER_LOCK_LOST);
        });
        assertThat(platform.providerCallsStartingWith("delete snapshot")).isZero();
    }

    @Test
    void afterARunRetentionsOtherDropsAreDeletedAsThePolicysAndAHeldOneStays() {
        for (int day = 19; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        platform.holds.place(RecoveryPointHold.place(new HoldId(UUID.randomUUID()), BLUE, WEB,
                ResourceRef.of(new SnapshotId(919)), new HoldReason("incident 4711"), new HoldActor.Team(BLUE),
                platform.clock.instant()));
        RecoveryPolicy policy = nightly(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> done = runs.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        // Four points and the limit five: no rotation; then keep-last 1 keeps 922, the hold 919.
        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.removed()).containsExactlyInAnyOrder(ResourceRef.of(new SnapshotId(920)),
                    ResourceRef.of(new SnapshotId(921)));
        });
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(s -> s.id().value())
                .contains(919L, 922L).doesNotContain(920L, 921L).hasSize(3);
        assertThat(events(Operation.DELETE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted)
                .extracting(e -> e.requestId().value()).containsExactlyInAnyOrder(
                        "policy-retention:" + policy.id() + ":snapshot:920", "policy-retention:" + policy.id() + ":snapshot:921");
    }

    @Test
    void whoMadeAPointIsReadFromTheCreateThatMadeItAndOnlyUnrecordedOnesByTheirName() {
        RecoveryPolicy policy = nightly(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));
        // A person's create through the platform, named as the template would name it: recorded, so a person's.
        SnapshotId byPerson = platform.createSnapshot().createSnapshot(new CreateSnapshotCommand(platform.as(BLUE), WEB,
                new SnapshotName("nightly-12345-20261120"), Optional.empty())).id();
        // Made at VPS.org directly (or before runs were recorded): no create on record, judged by its name.
        addNightly(921, 21, "nightly-12345-20261121");
        platform.provider.finishCreations();

        Instant created = platform.clock.instant();
        platform.clock.advance(Duration.between(created, FIRE));
        Run first = runs.tick(created, FIRE.plus(RunJitter.CAP)).getFirst();
        platform.provider.finishCreations();
        Instant next = FIRE.plus(Duration.ofDays(1));
        platform.clock.advance(Duration.ofDays(1));
        Run second = runs.tick(FIRE.plus(RunJitter.CAP), next.plus(RunJitter.CAP)).getFirst();

        // First run: its own point still in progress, the unrecorded 921 the newest completed of the policy's.
        assertThat(first.removed()).isEmpty();
        // Second run: the first run's point (recorded as this policy's run) is kept, 921 let go; the person's stays.
        assertThat(second.removed()).containsExactly(ResourceRef.of(new SnapshotId(921)));
        assertThat(platform.provider.snapshot(byPerson)).isPresent();
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(Snapshot::name)
                .contains("nightly-12345-20261120", "nightly-12345-20261124", "nightly-12345-20261125")
                .doesNotContain("nightly-12345-20261121");
        assertThat(platform.operations.about(List.of(ResourceRef.of(byPerson)))).singleElement()
                .satisfies(o -> assertThat(o.requestId().value()).doesNotStartWith(RecoveryPolicy.RUN_REQUEST_PREFIX));
        assertThat(policy.makerOf("nightly-12345-20261120", Optional.of(platform.operations.about(
                List.of(ResourceRef.of(byPerson))).getFirst().requestId()))).isEqualTo(RetentionCandidate.Maker.PERSON);
    }

    @Test
    void aRunThatFailedWithoutHappeningIsRetriedAsTheSameRunUntilItsNextCronTimeComes() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.provider.failNextCallWith(new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503"));
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));

        Run failed = runs.tick(Instant.parse("2026-11-23T09:00:00Z"), FIRE.plus(RunJitter.CAP)).getFirst();

        assertThat(failed.result()).isEqualTo(RunResult.FAILED);
        assertThat(failed.team()).isEqualTo(BLUE);
        assertThat(platform.provider.snapshotCount(WEB)).isZero();

        // Minutes later, the same run (the same cron time, so the same request id) is made.
        platform.clock.advance(Duration.ofMinutes(2));
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run -> {
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.scheduledFor()).isEqualTo(FIRE);
        });
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("nightly-12345-20261124");
        assertThat(events(Operation.CREATE_SNAPSHOT)).extracting(e -> e.requestId().value()).containsOnly(
                policy.runRequest(WEB, FIRE).value());

        // Once the next cron time has come, that run is the tick's: a retry no longer does anything.
        platform.clock.advance(Duration.ofDays(1));
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).isEmpty();
        assertThat(platform.provider.snapshotCount(WEB)).isOne();
    }

    /**
     * A retry is a db-scheduler one-time task, run at least once: one that made its point and died before its row was
     * removed (a kill, a rolling deploy) is run again by another instance. The run made already is not made twice.
     */
    @Test
    void aRetryRunAgainAfterItMadeItsPointMakesNoSecond() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.provider.failNextCallWith(new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503"));
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        assertThat(runs.tick(Instant.parse("2026-11-23T09:00:00Z"), FIRE.plus(RunJitter.CAP)).getFirst().result())
                .isEqualTo(RunResult.FAILED);
        platform.clock.advance(Duration.ofMinutes(2));

        Optional<Run> retried = runs.retry(BLUE, policy.id(), WEB, FIRE);
        Optional<Run> revived = runs.retry(BLUE, policy.id(), WEB, FIRE);

        assertThat(retried).hasValueSatisfying(run -> assertThat(run.result()).isEqualTo(RunResult.MADE));
        assertThat(revived).isEmpty();
        assertThat(platform.provider.snapshotCount(WEB)).isOne();
        // The failed try failed in its check (before any intent); the retry's intent is the only one.
        assertThat(events(Operation.CREATE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Accepted).hasSize(1);
        assertThat(events(Operation.CREATE_SNAPSHOT)).filteredOn(e -> e.outcome() instanceof Outcome.Submitted).hasSize(1);
    }

    @Test
    void aPolicyChangedAfterACronTimeButBeforeItsJitteredMomentRunsItAndItsRetryIsOwedToo() {
        RecoveryPolicy created = nightly(KEEP_TWO);
        Duration jitter = RunJitter.of(created.id(), WEB, Duration.ofDays(1));
        Instant changedAt = FIRE.plus(jitter.dividedBy(2));
        platform.clock.advance(Duration.between(platform.clock.instant(), changedAt));
        RecoveryPolicy policy = policies.update(platform.as(BLUE), created.id(), OptionalLong.of(1), created.spec());
        platform.provider.failNextCallWith(new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.UNAVAILABLE, "VPS.org answered 503"));
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));

        // The run's moment is the cron time plus its jitter, after the change: the tick runs it, for the cron time.
        Run failed = runs.tick(changedAt, FIRE.plus(RunJitter.CAP)).getFirst();
        assertThat(failed.result()).isEqualTo(RunResult.FAILED);
        assertThat(failed.scheduledFor()).isEqualTo(FIRE);

        // So the retry owes it by the same rule, though the policy changed after the cron time itself.
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run ->
                assertThat(run.result()).isEqualTo(RunResult.MADE));
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("nightly-12345-20261124");
    }

    @Test
    void aChangedOrDeletedPolicysFailedRunIsNotRetriedNorOneThatMayHaveHappened() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        platform.provider.loseNextMutationAnswer();

        Run lost = runs.tick(Instant.parse("2026-11-23T09:00:00Z"), FIRE.plus(RunJitter.CAP)).getFirst();

        // The answer was lost: VPS.org may have made it, so it is the tracker's to settle, not a retry's.
        assertThat(lost.result()).isEqualTo(RunResult.UNRESOLVED);

        policies.update(platform.as(BLUE), policy.id(), OptionalLong.of(1), new PolicySpec(PolicyServers.of(List.of(WEB)),
                PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")),
                new NameTemplate("changed-{server_id}-{date}"), KEEP_TWO));
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).isEmpty();
        policies.delete(platform.as(BLUE), policy.id(), OptionalLong.empty());
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).isEmpty();
        assertThat(runs.retry(PlatformFixture.GREEN, policy.id(), WEB, FIRE)).isEmpty();
    }

    /**
     * A run's create answered without an answer (a 5xx, a timeout: outcome unknown) is the tracker's to settle. A retry
     * that comes before the tracker ended it (VPS.org still out after the settle period) must say so, so the job looks
     * again, instead of counting the open create as done: once the tracker ends it not made, the retry makes the point.
     */
    @Test
    void aRetryBeforeTheTrackerEndedTheRunsLostCreateIsNotSettledAndOnceItEndedNotMadeTheRetryMakesThePoint() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        platform.provider.breakNextCall("create snapshot", new org.vpsrecovery.domain.port.ProviderFailure(
                org.vpsrecovery.domain.port.ProviderFailure.Kind.OUTCOME_UNKNOWN, "VPS.org answered 502"));

        Run lost = runs.tick(Instant.parse("2026-11-23T09:00:00Z"), FIRE.plus(RunJitter.CAP)).getFirst();
        assertThat(lost.result()).isEqualTo(RunResult.UNRESOLVED);

        // The tracker has not ended it yet: not settled, nothing made, and the job asks again later.
        platform.clock.advance(Duration.ofMinutes(1));
        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run ->
                assertThat(run.result()).isEqualTo(RunResult.NOT_SETTLED));
        assertThat(platform.provider.snapshotCount(WEB)).isZero();

        platform.clock.advance(Duration.ofMinutes(6));
        platform.tracker().tick();
        assertThat(platform.operations.list(Optional.of(BLUE), Optional.of(WEB), Optional.empty(), 10))
                .filteredOn(o -> o.requestId().equals(policy.runRequest(WEB, FIRE)))
                .singleElement().satisfies(o -> assertThat(o.state()).isEqualTo(
                        org.vpsrecovery.domain.operation.OperationState.FAILED));

        assertThat(runs.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run ->
                assertThat(run.result()).isEqualTo(RunResult.MADE));
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("nightly-12345-20261124");
    }

    /** A process stopped dead during a call (a kill): nothing after the call is written. */
    private static final class ProcessKilled extends Error {
        ProcessKilled() {
            super("killed during the call", null, false, false);
        }
    }

    /**
     * The process is killed during a run's create: its operation stays accepted, its intent on record, and VPS.org never
     * made the point. db-scheduler ticks the window again; the pair's open create must not count as done: the tick
     * answers NOT_SETTLED (the job schedules a retry), and once the tracker ends that create not made, the retry makes
     * the point, not the next cron time.
     */
    @Test
    void aWindowTickedAgainAfterAKillDuringItsCreateLeavesTheRunToARetryOnceTheCreateEndsNotMade() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        java.util.concurrent.atomic.AtomicBoolean killed = new java.util.concurrent.atomic.AtomicBoolean();
        org.vpsrecovery.domain.port.SnapshotProvider dying = (org.vpsrecovery.domain.port.SnapshotProvider)
                java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                        new Class<?>[] {org.vpsrecovery.domain.port.SnapshotProvider.class}, (proxy, method, args) -> {
                            if (method.getName().equals("createSnapshot") && killed.compareAndSet(false, true)) {
                                throw new ProcessKilled();
                            }
                            try {
                                return method.invoke(platform.provider, args);
                            } catch (java.lang.reflect.InvocationTargetException thrown) {
                                throw thrown.getCause();
                            }
                        });
        RunPoliciesService killedDuringTheCreate = new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership,
                dying, platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(), new DailyRunCalendar(),
                platform.attempts(), platform.deleteSnapshot(), platform.deleteBackup(), platform.clock);
        platform.clock.advance(Duration.between(platform.clock.instant(), FIRE.plus(RunJitter.CAP)));
        Instant from = Instant.parse("2026-11-23T09:00:00Z");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> killedDuringTheCreate.tick(from, FIRE.plus(RunJitter.CAP)))
                .isInstanceOf(ProcessKilled.class);

        // The next instance ticks the window again (its end was never kept).
        List<Run> replayed = killedDuringTheCreate.tick(from, FIRE.plus(RunJitter.CAP));

        assertThat(replayed).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.NOT_SETTLED);
            assertThat(run.scheduledFor()).isEqualTo(FIRE);
        });
        assertThat(platform.provider.snapshotCount(WEB)).isZero();

        platform.clock.advance(Duration.ofMinutes(6));
        platform.tracker().tick();

        assertThat(killedDuringTheCreate.retry(BLUE, policy.id(), WEB, FIRE)).hasValueSatisfying(run ->
                assertThat(run.result()).isEqualTo(RunResult.MADE));
        assertThat(platform.provider.listSnapshots(Optional.of(WEB))).extracting(Snapshot::name)
                .containsExactly("nightly-12345-20261124");
    }

    private RunPoliciesService withLimits(org.vpsrecovery.domain.port.TeamLimits teamLimits) {
        return new RunPoliciesService(() -> Set.of(BLUE), store, platform.ownership, platform.provider, platform.provider,
                teamLimits, platform.operations, platform.holds, platform.serverStates(), new DailyRunCalendar(), platform.attempts(),
                platform.deleteSnapshot(), platform.deleteBackup(), platform.clock);
    }

    /**
     * A server already over its team's limit (3, with 5 snapshots: two made at VPS.org, or the limit lowered, or the
     * server moved from another team): one rotation makes no room. Before (session 48's review), snapshot 920 was
     * rotated away all the same and the create then refused SNAPSHOT_LIMIT_REACHED: a kept point lost each night for a
     * run refused anyway. Now the run is refused ROTATION_NOT_POSSIBLE before anything is deleted (ADR 0028, amended).
     */
    @Test
    void overTheLimitByMoreThanOneTheRunIsRefusedBeforeAnythingIsDeleted() {
        addNightly(801, 15, "manual-a");
        addNightly(802, 16, "manual-b");
        for (int day = 20; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
        }
        nightly(new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false));

        List<Run> done = withLimits(team -> new org.vpsrecovery.domain.limits.RecoveryLimits(3, 10))
                .tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.result()).isEqualTo(RunResult.REFUSED);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(5);
        assertThat(events(Operation.DELETE_SNAPSHOT)).isEmpty();
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> {
            assertThat(e.outcome()).isEqualTo(new Outcome.Rejected(ReasonCode.ROTATION_NOT_POSSIBLE));
            assertThat(e.detail()).doesNotContainKey(AuditEvent.ROTATED);
        });
        assertThat(platform.providerCallsStartingWith("create")).isZero();
    }

    /**
     * A tick reads a team's policies once. Before (session 48's review), a policy deleted while the tick was at its first
     * server still made a point on the second and deleted by its old keep-last there. Now each run reads the policy
     * again under the server's lock: the first server's run (checked before the delete) makes its point but deletes
     * nothing after it, and the second server gets no run, no delete and no record (ADR 0028, amended).
     */
    @Test
    void aPolicyDeletedWhileItsTickRunsMakesNoPointAndDeletesNothingOnTheServersAfter() {
        for (int day = 20; day <= 22; day++) {
            addNightly(900 + day, day, "nightly-12345-202611" + day);
            platform.provider.addSnapshot(new Snapshot(new SnapshotId(950 + day), platform.spare, "nightly-12346-202611" + day,
                    CreationStatus.COMPLETED, OptionalLong.of(10), Instant.parse("2026-11-%02dT02:00:00Z".formatted(day)), ""));
        }
        RecoveryPolicy policy = policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB,
                PlatformFixture.SPARE)), PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")),
                new NameTemplate("nightly-{server_id}-{date}"), new RetentionRules(1, Duration.ZERO, 0, 0, 0, 0, false)));
        java.util.concurrent.atomic.AtomicBoolean deleted = new java.util.concurrent.atomic.AtomicBoolean();
        RunPoliciesService deleting = withLimits(team -> {
            // The team deletes the policy while the tick is at its first server (its quota read, under the lock).
            if (deleted.compareAndSet(false, true)) {
                policies.delete(platform.as(BLUE), policy.id(), OptionalLong.of(policy.version()));
            }
            return platform.limits.limitsFor(team);
        });

        List<Run> done = deleting.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(deleted).isTrue();
        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.server()).isEqualTo(WEB);
            assertThat(run.result()).isEqualTo(RunResult.MADE);
            assertThat(run.removed()).isEmpty();
        });
        assertThat(platform.provider.snapshotCount(WEB)).isEqualTo(4);
        assertThat(platform.provider.listSnapshots(Optional.of(PlatformFixture.SPARE))).extracting(s -> s.id().value())
                .containsExactlyInAnyOrder(970L, 971L, 972L);
        assertThat(events(Operation.DELETE_SNAPSHOT)).isEmpty();
        assertThat(events(Operation.CREATE_SNAPSHOT)).allSatisfy(e -> assertThat(e.server()).contains(WEB));
    }

    /**
     * A store that fails when the run reads its policy again under the lock: VPS.org was not asked, so the run is FAILED,
     * audited and retried. Before, a failure of no domain type there was taken for a call's unknown end: UNRESOLVED,
     * nothing in the history, and the retry put off by the settle time (own-merge review, session 48).
     */
    @Test
    void aPolicyThatCannotBeReadAgainUnderTheLockFailsTheRunAuditedNotUnresolved() {
        RecoveryPolicy policy = nightly(KEEP_TWO);
        java.util.concurrent.atomic.AtomicInteger finds = new java.util.concurrent.atomic.AtomicInteger();
        RecoveryPolicies failingOnce = new org.vpsrecovery.domain.testing.ForwardingRecoveryPolicies(store) {
            @Override
            public Optional<RecoveryPolicy> find(org.vpsrecovery.domain.common.TeamId team, PolicyId id) {
                if (finds.incrementAndGet() == 1) {
                    throw new IllegalStateException("connection refused");
                }
                return super.find(team, id);
            }
        };
        RunPoliciesService flaky = new RunPoliciesService(() -> Set.of(BLUE), failingOnce, platform.ownership,
                platform.provider, platform.provider, platform.limits, platform.operations, platform.holds, platform.serverStates(),
                new DailyRunCalendar(), platform.attempts(), platform.deleteSnapshot(), platform.deleteBackup(),
                platform.clock);

        List<Run> done = flaky.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(finds).hasValue(1);
        assertThat(done).singleElement().satisfies(run -> {
            assertThat(run.policy()).isEqualTo(policy.id());
            assertThat(run.result()).isEqualTo(RunResult.FAILED);
        });
        assertThat(platform.provider.snapshotCount(WEB)).isZero();
        assertThat(events(Operation.CREATE_SNAPSHOT)).singleElement().satisfies(e -> assertThat(e.outcome())
                .isEqualTo(new Outcome.Rejected(ReasonCode.PLATFORM_UNAVAILABLE)));
    }

    /** As above for an edit: the second server's run is not made by the version the tick read. */
    @Test
    void aPolicyEditedWhileItsTickRunsMakesNoPointByItsOldVersionOnTheServersAfter() {
        RecoveryPolicy policy = policies.create(platform.as(BLUE), new PolicySpec(PolicyServers.of(List.of(WEB,
                PlatformFixture.SPARE)), PolicyKind.SNAPSHOT, new PolicySchedule("0 3 * * *", ZoneId.of("Europe/Berlin")),
                new NameTemplate("nightly-{server_id}-{date}"), KEEP_TWO));
        java.util.concurrent.atomic.AtomicBoolean edited = new java.util.concurrent.atomic.AtomicBoolean();
        RunPoliciesService editing = withLimits(team -> {
            if (edited.compareAndSet(false, true)) {
                policies.update(platform.as(BLUE), policy.id(), OptionalLong.of(policy.version()), new PolicySpec(
                        policy.spec().servers(), PolicyKind.SNAPSHOT, policy.spec().schedule(),
                        new NameTemplate("edited-{server_id}-{date}"), KEEP_THREE));
            }
            return platform.limits.limitsFor(team);
        });

        List<Run> done = editing.tick(platform.clock.instant(), FIRE.plus(RunJitter.CAP));

        assertThat(edited).isTrue();
        assertThat(done).extracting(Run::server).containsExactly(WEB);
        assertThat(platform.provider.listSnapshots(Optional.of(PlatformFixture.SPARE))).isEmpty();
    }
}
