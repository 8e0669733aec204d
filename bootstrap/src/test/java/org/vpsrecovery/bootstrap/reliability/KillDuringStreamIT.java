package org.vpsrecovery.bootstrap.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.bootstrap.process.ServiceProcess;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * {@code kill -9} of one of two service processes in the middle of a stream of creates and
 * deletes. The kill is timed to land while one of its creates is at VPS.org (which takes a second to
 * answer, and acts whether or not anyone is left to hear it): that intent has no outcome and its
 * caller no answer. Then the other process's reconciler must settle every intent from VPS.org's
 * state, every operation a caller was told succeeded must be in the history with its outcome, the
 * history must match VPS.org, and the chain must verify. The killed process then starts again
 * and serves.
 *
 * <p>Sized by {@code -Dvpsr.reliability.stream-before-kill} (CI: 12 answered operations on the
 * process to be killed before the kill is armed).
 */
class KillDuringStreamIT {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final List<Long> SERVERS = ReliabilitySetup.servers(2001, 2);
    private static final Duration PROVIDER_LATENCY = Duration.ofSeconds(1);
    /** Reconciliation on the survivor: intents older than 3 s (longer than any call here), every second. */
    private static final String[] RECONCILING = {"vpsr.reconcile.settle-after=3s", "vpsr.reconcile.every=1s"};

    /** One operation a worker sent, and what came back (null: no answer, the process died). */
    record Sent(String worker, String process, String operation, String requestId, String name, Answer answer) {
        boolean acknowledged() {
            return answer != null && answer.isSuccess();
        }
    }

    /** Creates a snapshot, deletes it, again, on one server through one process, until told to stop. */
    private static final class Worker implements Runnable {
        final String name;
        final ServiceProcess target;
        final long server;
        final PlatformClient client;
        final AtomicBoolean stop;
        final ConcurrentLinkedQueue<Sent> sent;
        volatile String createInFlight;
        volatile int acknowledged;

        Worker(String name, ServiceProcess target, long server, PlatformClient client, AtomicBoolean stop,
               ConcurrentLinkedQueue<Sent> sent) {
            this.name = name;
            this.target = target;
            this.server = server;
            this.client = client;
            this.stop = stop;
            this.sent = sent;
        }

        @Override
        public void run() {
            for (int i = 0; !stop.get(); i++) {
                String snapshotName = "kill-" + name + "-" + i;
                createInFlight = snapshotName;
                Answer created = call("create", snapshotName + "-c", snapshotName,
                        () -> client.createSnapshot(target, server, snapshotName, snapshotName + "-c"));
                createInFlight = null;
                if (created == null) {
                    return; // the process is gone
                }
                if (created.status() == 201) {
                    if (call("delete", snapshotName + "-d", snapshotName,
                            () -> client.deleteSnapshot(target, created.id(), snapshotName + "-d")) == null) {
                        return;
                    }
                }
            }
        }

        private Answer call(String operation, String requestId, String snapshotName, Supplier<Answer> call) {
            Answer answer;
            try {
                answer = call.get();
            } catch (UncheckedIOException noAnswer) {
                answer = null;
            }
            sent.add(new Sent(name, target.name(), operation, requestId, snapshotName, answer));
            if (answer != null && answer.isSuccess()) {
                acknowledged++;
            }
            return answer;
        }
    }

    @Test
    void afterKillNineEveryAcknowledgedOperationIsAuditedNothingStaysPendingAndTheChainHolds() throws Exception {
        int beforeKill = ReliabilitySetup.sized("vpsr.reliability.stream-before-kill", 12);
        AuditRows audit = new AuditRows(DATABASE.dataSource());
        ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        Map<String, Object> figures = new LinkedHashMap<>();

        try (VpsOrgSimulator simulator = ReliabilitySetup.simulator(SERVERS,
                SimulatorOptions.defaults().withDelays(Duration.ZERO, Duration.ofSeconds(10)));
             PlatformClient team = new PlatformClient(ReliabilitySetup.TEAM_TOKEN);
             PlatformClient auditor = new PlatformClient(ReliabilitySetup.AUDITOR_TOKEN);
             ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            String teams = ReliabilitySetup.teamsFile(SERVERS, 5);
            ServiceProcess.Builder processA = ReliabilitySetup.service("killed", DATABASE.database(), simulator, teams);
            ServiceProcess.Builder processB = ReliabilitySetup.service("survivor", DATABASE.database(), simulator, teams,
                    RECONCILING);
            ProviderView provider = new ProviderView(simulator);
            // VPS.org takes its time over changes, so that the kill lands while one is under way.
            simulator.faults().add(Fault.latency(PROVIDER_LATENCY).on("POST", "/api/v1/snapshots/"));
            simulator.faults().add(Fault.latency(PROVIDER_LATENCY).on("DELETE", "/api/v1/snapshots/\\d+/"));

            try (ServiceProcess a = processA.start(); ServiceProcess b = processB.start()) {
                List<Worker> onA = List.of(new Worker("a1", a, SERVERS.get(0), team, stop, sent),
                        new Worker("a2", a, SERVERS.get(1), team, stop, sent),
                        new Worker("a3", a, SERVERS.get(1), team, stop, sent));
                Worker onB = new Worker("b1", b, SERVERS.get(0), team, stop, sent);
                List<Future<?>> running = new ArrayList<>();
                for (Worker worker : onA) {
                    running.add(workers.submit(worker));
                }
                running.add(workers.submit(onB));

                await("operations answered by the process to be killed").atMost(Duration.ofSeconds(120))
                        .until(() -> onA.stream().mapToInt(w -> w.acknowledged).sum() >= beforeKill);
                String killedCreate = killWhileACreateIsAtTheProvider(simulator, a, onA);
                long killedAt = System.nanoTime();
                int answeredByBAtKill = onB.acknowledged;
                // The survivor keeps serving its caller.
                await("the survivor answering after the kill").atMost(Duration.ofSeconds(60))
                        .until(() -> onB.acknowledged >= answeredByBAtKill + 4);
                stop.set(true);
                for (Future<?> worker : running) {
                    worker.get(2, TimeUnit.MINUTES);
                }

                List<Sent> stream = List.copyOf(sent);
                for (Sent operation : stream) {
                    if (operation.answer() != null) {
                        assertThat(operation.answer().status()).as(operation.toString()).isLessThan(500);
                        assertThat(operation.answer().isSuccess() || operation.answer().isProblem()).as(operation.toString()).isTrue();
                    }
                }
                assertThat(stream).filteredOn(s -> s.process().equals("survivor"))
                        .as("the survivor answered every call").allMatch(s -> s.answer() != null);

                await("every intent settled by the survivor's reconciler").atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> assertThat(audit.pendingIntents()).isEmpty());
                long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);

                // The create under way at the kill: made at VPS.org, never answered, settled as made.
                AuditRows.Row settled = audit.settledOutcome(killedCreate + "-c").orElseThrow();
                Map<Long, String> atProvider = provider.snapshots(SERVERS.get(0));
                atProvider.putAll(provider.snapshots(SERVERS.get(1)));
                assertThat(settled.kind()).isEqualTo("COMPLETED");
                assertThat(settled.reconciled()).isTrue();
                assertThat(atProvider).containsEntry(settled.resourceId(), killedCreate);

                for (Sent operation : stream) {
                    if (operation.acknowledged()) {
                        AuditRows.Row outcome = audit.settledOutcome(operation.requestId()).orElseThrow(
                                () -> new AssertionError("acknowledged but not audited: " + operation));
                        assertThat(outcome.kind()).as(operation.toString()).isEqualTo("COMPLETED");
                        if (operation.operation().equals("create")) {
                            assertThat(outcome.resourceId()).as(operation.toString()).isEqualTo(operation.answer().id());
                        }
                    }
                }
                // A delete VPS.org took is COMPLETED once tracking sees the snapshot gone (ADR 0024): until then the
                // history says submitted, not done, so the two agree once every operation is followed to its end.
                await("what VPS.org holds is what the history says was made and not deleted").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(500))
                        .untilAsserted(() -> {
                            Map<Long, String> held = provider.snapshots(SERVERS.get(0));
                            held.putAll(provider.snapshots(SERVERS.get(1)));
                            assertThat(held.keySet()).containsExactlyInAnyOrderElementsOf(madeAndNotDeleted(audit));
                        });
                ReliabilitySetup.assertChainIntact(auditor, b);

                long restarting = System.nanoTime();
                try (ServiceProcess restarted = processA.start()) {
                    long restartMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarting);
                    Answer created = team.createSnapshot(restarted, SERVERS.get(0), "after-the-restart", "after-restart-c");
                    assertThat(created.status()).as(created.toString()).isEqualTo(201);
                    Answer deleted = team.deleteSnapshot(restarted, created.id(), "after-restart-d");
                    assertThat(deleted.status()).as(deleted.toString()).isEqualTo(204);
                    // Taken at once; COMPLETED once tracking sees it gone from VPS.org's list (ADR 0024).
                    await("the delete after the restart is followed to its end").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(500))
                            .untilAsserted(() -> assertThat(audit.settledOutcome("after-restart-d"))
                                    .map(AuditRows.Row::kind).hasValue("COMPLETED"));
                    ReliabilitySetup.assertChainIntact(auditor, restarted);
                    figures.put("restart of the killed process to its first answer (ms)", restartMillis);
                }

                List<AuditRows.Row> reconciled = audit.withRequestPrefix("kill-").stream().filter(AuditRows.Row::reconciled).toList();
                figures.put("processes", 2);
                figures.put("operations sent", stream.size());
                figures.put("acknowledged (2xx)", stream.stream().filter(Sent::acknowledged).count());
                figures.put("answers", stream.stream().collect(Collectors.groupingBy(
                        s -> s.process() + " " + (s.answer() == null ? "no answer (killed)" : s.answer().kind()),
                        TreeMap::new, Collectors.counting())));
                figures.put("intents left by the kill, settled by the survivor", reconciled.stream()
                        .collect(Collectors.groupingBy(r -> r.operation() + " " + r.kind(), TreeMap::new, Collectors.counting())));
                figures.put("kill to nothing pending (ms)", settledMillis);
                figures.put("snapshots at VPS.org = made - deleted per the history", atProvider.size());
            }
        }
        ReliabilitySetup.report("kill-during-stream", figures);
    }

    /**
     * Waits until VPS.org has just received a create that a worker on {@code process} still waits
     * for, then kills the process with SIGKILL; returns that create's snapshot name. "Just": within
     * half the provider's latency, so VPS.org is still working on it when the process dies.
     */
    private static String killWhileACreateIsAtTheProvider(VpsOrgSimulator simulator, ServiceProcess process,
                                                          List<Worker> workers) {
        String[] underWay = new String[1];
        await("a create of the process at VPS.org").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> {
                    Instant recentEnough = simulator.clock().instant().minus(PROVIDER_LATENCY.dividedBy(2));
                    for (Worker worker : workers) {
                        String name = worker.createInFlight;
                        if (name != null && simulator.requests().stream().anyMatch(r -> r.method().equals("POST")
                                && r.receivedAt().isAfter(recentEnough) && r.body().contains("\"" + name + "\""))) {
                            underWay[0] = name;
                            return true;
                        }
                    }
                    return false;
                });
        assertThat(process.killNow()).isEqualTo(137);
        return underWay[0];
    }

    /** Snapshot ids whose create the history says completed, minus those whose delete it says completed. */
    private static Set<Long> madeAndNotDeleted(AuditRows audit) {
        Set<Long> held = new HashSet<>();
        for (AuditRows.Row row : audit.withRequestPrefix("")) {
            if (row.outcome().equals("COMPLETED") && row.operation().equals("CREATE_SNAPSHOT")) {
                held.add(row.resourceId());
            } else if (row.outcome().equals("COMPLETED") && row.operation().equals("DELETE_SNAPSHOT")) {
                held.remove(row.resourceId());
            }
        }
        return held;
    }
}
