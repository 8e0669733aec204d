package org.vpsrecovery.application.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.ServerStates;
import org.vpsrecovery.application.attempt.TrackingDeadlines;
import org.vpsrecovery.application.backup.DeleteBackupUseCase;
import org.vpsrecovery.application.snapshot.DeleteSnapshotUseCase;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.policy.NameTemplate;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.policy.PolicyKind;
import org.vpsrecovery.domain.policy.PolicySchedule;
import org.vpsrecovery.domain.policy.PolicyServers;
import org.vpsrecovery.domain.policy.PolicySpec;
import org.vpsrecovery.domain.policy.RecoveryPolicy;
import org.vpsrecovery.domain.policy.RetentionRules;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.port.RecoveryPointHolds;
import org.vpsrecovery.domain.port.RecoveryPolicies;
import org.vpsrecovery.domain.port.RunCalendar;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.port.ServerOwnership;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.port.TeamLimits;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The tick's {@code due} with the calendar the application runs on (ADR 0028, amended in session 53): across a
 * fall-back, the run of a repeated local time is made once, at its first occurrence, whether the windows are the
 * tick's short ones or one long catch-up after downtime; and it is the run the plan listed. In the application's
 * package to reach {@code due}; the ports {@code due} does not read fail if called.
 */
class DueAcrossAFallBackTest {

    private static final ServerId SERVER = new ServerId(12345);
    private final RunCalendar calendar = bootstrapCalendar();

    @Test
    void shortWindowsAcrossTheChangeMakeTheRunOnceAtTheTimeThePlanShows() {
        // Europe/Berlin repeats 02:00-03:00 local on Sunday 2026-10-25: 02:30 is 00:30Z (CEST), then 01:30Z (CET).
        assertMadeOnceAsPlanned(policy("30 2 * * 0", "Europe/Berlin"), "2026-10-24T22:00:00Z", "2026-10-25T04:00:00Z",
                "2026-10-25T00:30:00Z");
        // Pacific/Chatham repeats 02:45-03:45 local on 2026-04-05; db-scheduler's cron never answers the first 03:00.
        assertMadeOnceAsPlanned(policy("0 3 * * *", "Pacific/Chatham"), "2026-04-04T11:00:00Z", "2026-04-04T17:00:00Z",
                "2026-04-04T13:15:00Z");
        // America/New_York repeats 01:00-02:00 local on Sunday 2026-11-01: 01:30 is 05:30Z (EDT), then 06:30Z (EST).
        assertMadeOnceAsPlanned(policy("30 1 * * 0", "America/New_York"), "2026-11-01T03:00:00Z", "2026-11-01T09:00:00Z",
                "2026-11-01T05:30:00Z");
    }

    /** A catch-up after downtime that spans the change makes that week's run, not nothing. */
    @Test
    void oneLongWindowSpanningTheChangeMakesThatWeeksRun() {
        RunPoliciesService.Due due = service().due(policy("30 2 * * 0", "Europe/Berlin"), SERVER,
                Instant.parse("2026-10-20T12:00:00Z"), Instant.parse("2026-10-25T12:00:00Z"));
        assertThat(due.latest()).hasValue(Instant.parse("2026-10-25T00:30:00Z"));
        assertThat(due.merged()).isZero();
    }

    private void assertMadeOnceAsPlanned(RecoveryPolicy policy, String fromText, String toText, String expected) {
        Instant from = Instant.parse(fromText);
        Instant to = Instant.parse(toText);
        RunPoliciesService service = service();
        TreeSet<Instant> made = new TreeSet<>();
        int windows = 0;
        // Back-to-back windows, each (from, from + 5 min]: every cron time due in one is made once, in that one.
        for (Instant start = from; start.isBefore(to); start = start.plus(Duration.ofMinutes(5))) {
            service.due(policy, SERVER, start, start.plus(Duration.ofMinutes(5))).latest().ifPresent(made::add);
            windows++;
        }
        assertThat(windows).isEqualTo(72);
        assertThat(made).containsExactly(Instant.parse(expected));
        assertThat(calendar.nextRuns(policy.spec().schedule(), from, 1)).containsExactly(Instant.parse(expected));
    }

    private static RecoveryPolicy policy(String cron, String zone) {
        Instant longAgo = Instant.parse("2026-01-01T00:00:00Z");
        return new RecoveryPolicy(new PolicyId(UUID.fromString("7d0a6c8e-5a8e-4a39-9d3c-2f1d2f8c9b01")),
                new TeamId("blue"), new PolicySpec(PolicyServers.of(List.of(SERVER)), PolicyKind.SNAPSHOT,
                new PolicySchedule(cron, ZoneId.of(zone)), new NameTemplate("nightly-{server_id}-{date}"),
                new RetentionRules(2, Duration.ZERO, 0, 0, 0, 0, false)), 1, longAgo, longAgo);
    }

    private RunPoliciesService service() {
        Clock clock = Clock.fixed(Instant.parse("2026-12-07T00:00:00Z"), ZoneOffset.UTC);
        RecoveryOperations operations = unused(RecoveryOperations.class);
        AuditHistory history = unused(AuditHistory.class);
        Duration hour = Duration.ofHours(1);
        return new RunPoliciesService(Set::of, unused(RecoveryPolicies.class), unused(ServerOwnership.class),
                unused(SnapshotProvider.class), unused(BackupProvider.class), unused(TeamLimits.class), operations,
                unused(RecoveryPointHolds.class), new ServerStates(operations, history, clock, hour), calendar,
                new AuditedAttempts(new AuditWriter(history), operations, unused(ServerLock.class), clock,
                        new TrackingDeadlines(hour, hour, hour, hour)),
                unused(DeleteSnapshotUseCase.class), unused(DeleteBackupUseCase.class), clock);
    }

    /** The bootstrap's calendar, package-private there: the one the plan and the tick run on. */
    private static RunCalendar bootstrapCalendar() {
        try {
            var constructor = Class.forName("org.vpsrecovery.bootstrap.SchedulerRunCalendar").getDeclaredConstructor();
            constructor.setAccessible(true);
            return (RunCalendar) constructor.newInstance();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static <T> T unused(Class<T> port) {
        return port.cast(Proxy.newProxyInstance(port.getClassLoader(), new Class<?>[] {port}, (proxy, method, args) -> {
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("toString") ? port.getSimpleName() : method.invoke(port, args);
            }
            throw new AssertionError(port.getSimpleName() + "." + method.getName() + " is not read by due");
        }));
    }
}
