package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.kagkarlsson.scheduler.TaskRepository;
import com.github.kagkarlsson.scheduler.event.SchedulerListeners;
import com.github.kagkarlsson.scheduler.serializer.JavaSerializer;
import com.github.kagkarlsson.scheduler.task.CompletionHandler;
import com.github.kagkarlsson.scheduler.task.Execution;
import com.github.kagkarlsson.scheduler.task.ExecutionComplete;
import com.github.kagkarlsson.scheduler.task.ExecutionOperations;
import com.github.kagkarlsson.scheduler.task.TaskInstance;
import com.github.kagkarlsson.scheduler.task.helper.RecurringTask;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Proxy;
import java.lang.reflect.InvocationTargetException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.PriorityQueue;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.application.webhook.DeliverySlots;
import org.vpsrecovery.application.webhook.WebhookTargetGuard;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * The delivery task's put-offs and retries, played as db-scheduler 16.7.1 runs a picked execution (its
 * {@code ExecutePicked}: the task's completion handler on a normal end, its failure handler on an exception, both over
 * the real {@link ExecutionOperations}), with the {@code scheduled_tasks} row it would write kept in memory. Simulated
 * time: nothing waits.
 */
class WebhookJobsTest {

    /** A database only for the scheduler client the jobs build (it reads which database it is); no table is used. */
    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.empty();

    private static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
    private static final String HOST = "hooks.example.com";
    private static final TeamId TEAM = new TeamId("blue");
    private static final Duration FIRST_RETRY = Duration.ofSeconds(30);
    private static final Duration NO_SLOT_RETRY = Duration.ofSeconds(2);

    /**
     * The deliveries the task reads and writes (the domain's in-memory fake is not on this module's path: the hexagon
     * rule would scan its test classes); {@link #storeFails} makes reading one fail as a database error would. The port
     * is served by a proxy onto the methods below, so that a method the task never calls needs no stand-in here.
     */
    private final class Deliveries {
        private final Map<WebhookDeliveryId, OutgoingMessage> rows = new HashMap<>();
        private final Map<WebhookDeliveryId, Instant> putOffSince = new HashMap<>();
        private final Map<WebhookDeliveryId, String> deathReasons = new HashMap<>();

        WebhookDeliveryId enqueue() {
            return enqueue(TEAM, "/vpsr");
        }

        WebhookDeliveryId enqueue(TeamId team, String path) {
            WebhookDeliveryId enqueued = new WebhookDeliveryId(UUID.randomUUID());
            rows.put(enqueued, new OutgoingMessage(enqueued, team, DeliveryState.PENDING, 0,
                    WebhookTarget.parse("https://" + HOST + path), WebhookSecret.random(), "{}"));
            return enqueued;
        }

        OutgoingMessage delivery(WebhookDeliveryId delivery) {
            return rows.get(delivery);
        }

        public Optional<OutgoingMessage> message(WebhookDeliveryId delivery) {
            if (storeFails) {
                throw new IllegalArgumentException("the stored target no longer parses");
            }
            return Optional.ofNullable(rows.get(delivery));
        }

        public void recordAttempt(WebhookDeliveryId delivery, Instant at, OptionalInt statusCode, Optional<String> error,
                                  boolean delivered) {
            OutgoingMessage m = rows.get(delivery);
            rows.put(delivery, new OutgoingMessage(delivery, m.team(), delivered ? DeliveryState.DELIVERED : m.state(),
                    m.attempts() + 1, m.target(), m.secret(), m.body()));
            putOffSince.remove(delivery);
        }

        /** On the test's simulated time, the store's clock. */
        public Optional<Duration> recordPutOff(WebhookDeliveryId delivery) {
            OutgoingMessage m = rows.get(delivery);
            if (m == null || m.state() != DeliveryState.PENDING) {
                return Optional.empty();
            }
            return Optional.of(Duration.between(putOffSince.computeIfAbsent(delivery, d -> now), now));
        }

        public void markDead(WebhookDeliveryId delivery, String reason) {
            markDead(delivery);
            deathReasons.put(delivery, reason);
        }

        /** How many times the dispatcher swept for deliveries db-scheduler dropped; none are, here. */
        int sweeps;

        public int markDeadWhenUnscheduled(int limit) {
            sweeps++;
            return 0;
        }

        public List<WebhookDeliveryId> undispatched(int limit) {
            return List.of();
        }

        public int purgeRemoved(Duration removedAtLeast, int limit) {
            return 0;
        }

        /** What the retention purge's steps answer, in turn (none left: 0), and the retention each step was asked. */
        final java.util.ArrayDeque<Integer> purgeEndedAnswers = new java.util.ArrayDeque<>();
        final List<Duration> purgeEndedAsked = new java.util.ArrayList<>();

        public int purgeEnded(Duration olderThan, int limit) {
            purgeEndedAsked.add(olderThan);
            Integer answer = purgeEndedAnswers.poll();
            return answer == null ? 0 : Math.min(answer, limit);
        }

        public void markDead(WebhookDeliveryId delivery) {
            OutgoingMessage m = rows.get(delivery);
            rows.put(delivery, new OutgoingMessage(delivery, m.team(), DeliveryState.DEAD, m.attempts(), m.target(), m.secret(),
                    m.body()));
        }
    }

    private final Deliveries store = new Deliveries();
    private final WebhookDeliveries deliveries = (WebhookDeliveries) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {WebhookDeliveries.class}, (proxy, method, args) -> {
                try {
                    return Deliveries.class.getMethod(method.getName(), method.getParameterTypes()).invoke(store, args);
                } catch (NoSuchMethodException e) {
                    throw new UnsupportedOperationException(method.getName());
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    private boolean storeFails;
    private final WebhookTransport receiver = new WebhookTransport() {
        @Override
        public List<InetAddress> resolve(TeamId team, String host) {
            try {
                return List.of(InetAddress.getByAddress(host, new byte[] {93, (byte) 184, (byte) 215, 14}));
            } catch (UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
            return new Answered(204);
        }
    };
    private final DeliverySlots slots = new DeliverySlots(2, 1, 1, NO_SLOT_RETRY, FIRST_RETRY);
    /** Simulated time: each execution runs at its scheduled time. */
    private Instant now = NOW;
    private final Clock clock = new SuppliedClock(() -> now);
    private final DeliverWebhooksService service = new DeliverWebhooksService(deliveries, receiver,
            new WebhookTargetGuard(receiver, TargetAddressRules.PUBLIC_ONLY), clock, slots,
            DeliverWebhooksService.putOffLimit(FIRST_RETRY, 8));

    private WebhookDeliveryId id;
    /** The scheduled_tasks rows, by delivery id. */
    private final Map<String, Execution> rows = new HashMap<>();
    private Execution row;
    private boolean removed;
    /** Executions that threw: db-scheduler 16.7.1's ExecutePicked logs each in a WARN ("Unhandled exception ..."). */
    private int thrown;

    WebhookJobsTest() {
        id = enqueue(1);
        row = rows.get(id.toString());
    }

    private WebhookDeliveryId enqueue(int nth) {
        WebhookDeliveryId enqueued = store.enqueue();
        rows.put(enqueued.toString(), new Execution(NOW, new TaskInstance<Integer>(WebhookJobs.DELIVER, enqueued.toString())));
        return enqueued;
    }

    private WebhookJobs.DeliverTask task(int maxAttempts) {
        return new WebhookJobs.DeliverTask(service, new WebhookJobs.DeliveryRetries(service, FIRST_RETRY, maxAttempts));
    }

    /** db-scheduler's repository as far as an execution's end writes it: the row's next run, data and failure count. */
    private final TaskRepository repository = (TaskRepository) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {TaskRepository.class}, (proxy, method, args) -> switch (method.getName()) {
                case "reschedule" -> {
                    Execution was = (Execution) args[0];
                    boolean withData = args.length == 6;
                    Object data = withData ? args[2] : was.taskInstance.getData();
                    int at = withData ? 3 : 2;
                    Execution next = new Execution((Instant) args[1], new TaskInstance<>(WebhookJobs.DELIVER, was.getId(), data),
                            false, null, (Instant) args[at], (Instant) args[at + 1], (Integer) args[at + 2], null,
                            was.version + 1);
                    rows.put(was.getId(), next);
                    if (was.getId().equals(id.toString())) {
                        row = next;
                    }
                    yield true;
                }
                case "remove" -> {
                    Execution was = (Execution) args[0];
                    rows.remove(was.getId());
                    removed |= was.getId().equals(id.toString());
                    yield null;
                }
                default -> throw new UnsupportedOperationException(method.getName());
            });

    /** Runs the first delivery's row when it is due; answers when it ran. */
    private Instant run(WebhookJobs.DeliverTask task) {
        return run(task, row);
    }

    /** Runs {@code picked} at its time, as db-scheduler's ExecutePicked does; answers when it ran. */
    @SuppressWarnings("unchecked")
    private Instant run(WebhookJobs.DeliverTask task, Execution picked) {
        now = picked.executionTime;
        ExecutionOperations<Integer> operations = new ExecutionOperations<>(repository, SchedulerListeners.NOOP, picked);
        CompletionHandler<Integer> completion;
        try {
            completion = task.execute((TaskInstance<Integer>) picked.taskInstance, null);
        } catch (RuntimeException failed) {
            thrown++;
            task.getFailureHandler().onFailure(ExecutionComplete.failure(picked, now, now, failed), operations);
            return now;
        }
        completion.complete(ExecutionComplete.success(picked, now, now), operations);
        return now;
    }

    @Test
    void anErrorAfterManyPutOffsIsRetriedAfterTheFirstRetryNotAYearLater() {
        WebhookJobs.DeliverTask task = task(8);
        Optional<DeliverySlots.Slot> held = slots.tryTake(TEAM, HOST);
        for (int i = 0; i < 30; i++) {
            Instant ran = run(task);
            assertThat(row.executionTime).isBetween(ran.plus(NO_SLOT_RETRY), ran.plus(FIRST_RETRY.multipliedBy(3).dividedBy(2)));
            assertThat(row.consecutiveFailures).as("a put-off is no failure").isZero();
        }
        assertThat(store.delivery(id).attempts()).isZero();

        held.orElseThrow().close();
        storeFails = true; // a database error, say
        Instant ran = run(task);

        assertThat(row.executionTime).isEqualTo(ran.plus(FIRST_RETRY));
        storeFails = false;
        run(task);
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(removed).isTrue();
    }

    @Test
    void anErrorOfThePlatformsOwnEndsDeadAfterTheMaximumAndPutOffsInBetweenDoNotRestartTheCount() {
        WebhookJobs.DeliverTask task = task(3);
        storeFails = true;
        Instant ran = run(task);
        assertThat(row.executionTime).isEqualTo(ran.plus(FIRST_RETRY));

        storeFails = false;
        Optional<DeliverySlots.Slot> held = slots.tryTake(TEAM, HOST);
        run(task); // put off
        held.orElseThrow().close();
        storeFails = true;
        ran = run(task);
        assertThat(row.executionTime).as("the second error's backoff").isEqualTo(ran.plus(FIRST_RETRY.multipliedBy(2)));
        assertThat(removed).isFalse();

        run(task);

        assertThat(removed).isTrue();
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.DEAD);
        assertThat(store.delivery(id).attempts()).isZero();
        assertThat(store.deathReasons.get(id)).as("the platform's fault, not shown as the receiver's")
                .contains("the platform failed to make or record its attempt 3 time(s)").contains("not the receiver's");
        assertThat(service.deadFor(DeliverWebhooksService.DeadCause.PLATFORM_ERRORS)).isEqualTo(1);
    }

    /**
     * A delivery's data the allow-list refuses is read as none and counted as the delivery job's, whose series the
     * alert watches from 0; before, its reads were not made as the job's and counted under "other" (ADR 0024,
     * session 55).
     */
    @Test
    void aDeliverysDataReadAsNoneIsCountedAsTheDeliveryJobs() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TaskDataSerializer serializer = new TaskDataSerializer(registry, List.of(WebhookJobs.DELIVER));
        byte[] refused = new JavaSerializer().serialize(new java.util.HashSet<>(List.of(1))); // outside the allow-list
        // As db-scheduler's repository makes it: the data read when asked for, through the serializer.
        row = new Execution(NOW, new TaskInstance<Integer>(WebhookJobs.DELIVER, id.toString(),
                () -> serializer.deserialize(Integer.class, refused), 0));
        storeFails = true; // an error of the platform's own: its failure handler reads the errors so far

        run(task(8));

        assertThat(thrown).isEqualTo(1);
        assertThat(registry.get(TaskDataSerializer.UNREAD).tag("job", WebhookJobs.DELIVER).counter().count())
                .isEqualTo(1);
        assertThat(registry.get(TaskDataSerializer.UNREAD).tag("job", TaskDataSerializer.OTHER_JOB).counter().count())
                .isZero();
    }

    @Test
    void aReceiverThatFailsIsRetriedByItsLoggedAttemptsAndDeadAfterTheMaximum() {
        WebhookTransport failing = new WebhookTransport() {
            @Override
            public List<InetAddress> resolve(TeamId team, String host) {
                return receiver.resolve(team, host);
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                return new Answered(503);
            }
        };
        DeliverWebhooksService failingService = new DeliverWebhooksService(deliveries, failing,
                new WebhookTargetGuard(failing, TargetAddressRules.PUBLIC_ONLY), clock, slots,
                DeliverWebhooksService.putOffLimit(FIRST_RETRY, 3));
        WebhookJobs.DeliverTask task = new WebhookJobs.DeliverTask(failingService,
                new WebhookJobs.DeliveryRetries(failingService, FIRST_RETRY, 3));

        Instant ran = run(task);
        assertThat(row.executionTime).isEqualTo(ran.plus(FIRST_RETRY));
        ran = run(task);
        assertThat(row.executionTime).isEqualTo(ran.plus(FIRST_RETRY.multipliedBy(2)));
        run(task);

        assertThat(removed).isTrue();
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.DEAD);
        assertThat(store.delivery(id).attempts()).isEqualTo(3);
        assertThat(store.deathReasons).as("the receiver's last answer stays its last error").doesNotContainKey(id);
        assertThat(failingService.deadFor(DeliverWebhooksService.DeadCause.RECEIVER_FAILED)).isEqualTo(1);
    }

    /**
     * A team's receiver that keeps failing filled the operators' log: each failed attempt was thrown to db-scheduler,
     * which logged a WARN with its exception line each time. Now a failed attempt completes the execution (its retry
     * scheduled as before, its delivery log saying why), and is said in one WARN per subscription at most per 10 minutes,
     * with the count since (ADR 0025, session 52); so is a delivery's death (session 53).
     */
    @Test
    void aFailingReceiverIsOneWarnPerSubscriptionPerIntervalNotOnePerAttempt() {
        DeliverWebhooksService failingService = new DeliverWebhooksService(deliveries, failingReceiver(), new
                WebhookTargetGuard(failingReceiver(), TargetAddressRules.PUBLIC_ONLY), clock, slots,
                DeliverWebhooksService.putOffLimit(FIRST_RETRY, 3));
        // The lines are spaced on the ticker (session 53), here the simulated time's.
        WebhookJobs.DeliveryRetries retries = new WebhookJobs.DeliveryRetries(failingService, FIRST_RETRY, 3,
                () -> java.time.temporal.ChronoUnit.NANOS.between(NOW, now));
        WebhookJobs.DeliverTask task = new WebhookJobs.DeliverTask(failingService, retries);
        enqueue(2);
        enqueue(3);
        WebhookDeliveryId other = store.enqueue(new TeamId("red"), "/red-hook");
        rows.put(other.toString(), new Execution(NOW, new TaskInstance<Integer>(WebhookJobs.DELIVER, other.toString())));
        WebhookDeliveryId later = store.enqueue();
        Instant laterAt = NOW.plus(Duration.ofMinutes(15));
        rows.put(later.toString(), new Execution(laterAt, new TaskInstance<Integer>(WebhookJobs.DELIVER, later.toString())));

        List<String> warnings = webhookJobsWarnings(() -> {
            PriorityQueue<Execution> due = new PriorityQueue<>(Comparator.comparing((Execution e) -> e.executionTime));
            due.addAll(rows.values());
            while (!due.isEmpty() && !due.peek().executionTime.isAfter(laterAt)) {
                Execution picked = due.poll();
                run(task, picked);
                Execution next = rows.get(picked.getId());
                if (next != null) {
                    due.add(next);
                }
            }
        });

        assertThat(thrown).as("no failed attempt is thrown to db-scheduler, which logs each").isZero();
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.DEAD);
        assertThat(store.delivery(id).attempts()).isEqualTo(3);
        assertThat(store.delivery(other).state()).isEqualTo(DeliveryState.DEAD);
        assertThat(store.delivery(later).attempts()).isEqualTo(1);
        List<String> receiverLines = warnings.stream().filter(w -> w.startsWith("webhook receiver at ")).toList();
        assertThat(receiverLines).hasSize(3);
        List<String> blue = receiverLines.stream().filter(w -> w.contains(" of team blue ")).toList();
        assertThat(blue).hasSize(2);
        assertThat(blue.get(0)).startsWith("webhook receiver at " + HOST + " of team blue did not take delivery ")
                .contains("0 more failed attempt(s) to this subscription since its last line")
                .contains("at most one line per subscription per 10 min").doesNotContain("/vpsr");
        assertThat(receiverLines).filteredOn(w -> w.contains(" of team red ")).singleElement().asString()
                .contains("0 more failed attempt(s)");
        // Team blue's three deliveries failed twice each before their deaths: the first line, then 5 not said.
        assertThat(blue.get(1)).contains("of team blue did not take delivery " + later).contains("5 more failed attempt(s)");
        // Deaths too are one WARN per subscription per interval (session 53: one per delivery): blue's first, red's.
        List<String> deadLines = warnings.stream().filter(w -> w.contains(" is dead after 3 attempt(s)")).toList();
        assertThat(deadLines).hasSize(2);
        assertThat(deadLines).filteredOn(w -> w.contains(" to the receiver at " + HOST + " of team blue; 0 more dead "
                + "to this subscription since its last line (at most one line per subscription per 10 min)")).hasSize(1);
        assertThat(deadLines).filteredOn(w -> w.contains(" of team red; 0 more dead")).hasSize(1);
        assertThat(warnings).hasSize(3 + 2);
        assertThat(failingService.deadFor(DeliverWebhooksService.DeadCause.RECEIVER_FAILED)).isEqualTo(4);

        // The failures and deaths stop: once none for 10 minutes, their closing lines say what the lines held back.
        now = now.plus(Duration.ofMinutes(10));
        // Red's second failure came after its line; blue's deaths after its first were not said (session 55: unpinned).
        assertThat(webhookJobsWarnings(retries::sayHeldBackLines)).containsExactlyInAnyOrder("webhook receiver at " + HOST
                + " of team red: 1 more failed attempt(s) to this subscription since its last line, and none since for 10 "
                + "min (its delivery log says why)", "webhook deliveries to the receiver at " + HOST + " of team blue: 2 "
                + "more dead since the last line, and none since for 10 min");
    }

    private WebhookTransport failingReceiver() {
        return new WebhookTransport() {
            @Override
            public List<InetAddress> resolve(TeamId team, String host) {
                return receiver.resolve(team, host);
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                return new Answered(503);
            }
        };
    }

    private static List<String> webhookJobsWarnings(Runnable action) {
        return LoggedWarnings.of(WebhookJobs.class, action);
    }

    /**
     * A backlog to one host whose slot stays taken: each put-off is as long as the host has been busy (to the first
     * retry, plus the spread), so 200 deliveries over ten simulated minutes take at most 16 executions each in the first
     * 30 s (2 s apart at least) and one per 30 s after: 36. Put off every 2-3 s, as before, they took at least 200.
     */
    @Test
    void aBacklogToAHeldHostIsPutOffLongerTheLongerTheHostStaysBusy() {
        WebhookJobs.DeliverTask task = task(8);
        for (int i = 2; i <= 200; i++) {
            enqueue(i);
        }
        Optional<DeliverySlots.Slot> held = slots.tryTake(TEAM, HOST);
        Instant end = NOW.plus(Duration.ofMinutes(10));
        PriorityQueue<Execution> due = new PriorityQueue<>(Comparator.comparing((Execution e) -> e.executionTime));
        due.addAll(rows.values());
        int executions = 0;
        while (!due.isEmpty() && !due.peek().executionTime.isAfter(end)) {
            Execution picked = due.poll();
            run(task, picked);
            executions++;
            due.add(rows.get(picked.getId()));
        }

        assertThat(rows).hasSize(200);
        assertThat(rows.values()).allSatisfy(r -> assertThat(r.consecutiveFailures).isZero());
        assertThat(executions).isLessThanOrEqualTo(200 * 36);
        held.orElseThrow().close();
    }

    /**
     * A delivery to a host whose slot stays held is only ever put off: no failure, so its retries never ended it, and it
     * was rescheduled for ever, pending. Now, put off with no attempt for as long as its retries may take (here
     * 30 s × 2^(3-1) = 2 min, at 3 attempts), it is dead, its log says why, and its task is removed (ADR 0025, session 38).
     */
    @Test
    void aDeliveryOnlyEverPutOffEndsDeadAfterTheLimitAndItsTaskGoes() {
        Duration limit = DeliverWebhooksService.putOffLimit(FIRST_RETRY, 3);
        DeliverWebhooksService limited = new DeliverWebhooksService(deliveries, receiver,
                new WebhookTargetGuard(receiver, TargetAddressRules.PUBLIC_ONLY), clock, slots, limit);
        WebhookJobs.DeliverTask task = new WebhookJobs.DeliverTask(limited,
                new WebhookJobs.DeliveryRetries(limited, FIRST_RETRY, 3));
        Optional<DeliverySlots.Slot> held = slots.tryTake(new TeamId("red"), HOST);

        Instant ran = NOW;
        for (int runs = 0; !removed && runs < 1000; runs++) {
            ran = run(task);
            if (!removed) {
                assertThat(row.consecutiveFailures).as("a put-off is no failure").isZero();
            }
        }

        assertThat(removed).as("the task is gone").isTrue();
        assertThat(ran).isBetween(NOW.plus(limit), NOW.plus(limit).plus(FIRST_RETRY.multipliedBy(3).dividedBy(2)));
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.DEAD);
        assertThat(store.delivery(id).attempts()).isZero();
        assertThat(store.deathReasons.get(id)).startsWith("not sent: put off for 2 min with no attempt");
        held.orElseThrow().close();
    }

    /**
     * Each delivery put off too long was a WARN of its own: a host busy for a day ended them by the thousand. Now 1,000
     * such deaths over 20 minutes are two lines, the first whole, the next naming the deaths since (ADR 0025, amended
     * in session 54); each is still marked dead and counted by the service (above), which this does not change.
     */
    @Test
    void deliveriesPutOffTooLongAreOneLineEveryTenMinutesWithTheCount() {
        java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
        WebhookJobs jobs = new WebhookJobs(DATABASE.dataSource(), service, Duration.ofSeconds(1), FIRST_RETRY, 3,
                nanos::get);
        WebhookJobs.DeliveryRetries retries = jobs.retries();
        // The closing line comes at the dispatcher's runs, as db-scheduler runs its task.
        Runnable dispatch = () -> jobs.dispatchTask().execute(
                new TaskInstance<Void>(WebhookJobs.DISPATCH, RecurringTask.INSTANCE), null);

        List<String> said = webhookJobsWarnings(() -> {
            for (int death = 0; death < 1000; death++) { // 50 a minute for 20 minutes
                retries.putOffTooLong(java.util.UUID.randomUUID().toString());
                if (death % 50 == 49) {
                    nanos.addAndGet(Duration.ofMinutes(1).toNanos());
                }
            }
        });

        assertThat(said).hasSize(2).allSatisfy(line -> assertThat(line).contains(" is dead: put off with no attempt for "
                + "longer than its retries may take; ", "(at most one line per 10 min)"));
        assertThat(said.get(0)).contains("; 0 more dead so since the last line");
        assertThat(said.get(1)).contains("; 499 more dead so since the last line");

        // The deaths stop (the last at minute 19): once none for 10 minutes, the 499 since the last line are said.
        nanos.addAndGet(Duration.ofMinutes(8).toNanos());
        assertThat(webhookJobsWarnings(dispatch)).isEmpty();
        nanos.addAndGet(Duration.ofMinutes(1).toNanos());
        assertThat(webhookJobsWarnings(dispatch)).containsExactly("webhook deliveries put off with no "
                + "attempt for longer than their retries may take: 499 more dead so since the last line, and none since "
                + "for 10 min");
        assertThat(webhookJobsWarnings(dispatch)).as("said once").isEmpty();
    }

    /**
     * The dispatcher's sweep for dropped deliveries comes at its first run, then once a minute on the monotonic ticker,
     * whatever value it starts from (negative too); the host's wall clock, which NTP may step back, is not read.
     */
    /**
     * After the platform's database went back, {@code vpsr.paused-after-restore} keeps a subscription as it was at the
     * restore point from sending: a delivery scheduled is put off a minute at a time with no attempt, none counted and
     * no put-off counted towards its death, and once the switch is off it is delivered (ADR 0025, amended in session 51).
     */
    @Test
    void whilePausedAfterARestoreADeliveryIsPutOffWithoutAnAttemptAndDeliveredOnceTheSwitchIsOff() {
        WebhookJobs.DeliverTask paused = new WebhookJobs.DeliverTask(service,
                new WebhookJobs.DeliveryRetries(service, FIRST_RETRY, 8), true);
        for (int i = 0; i < 100; i++) {
            Instant ran = run(paused);
            assertThat(row.executionTime).isEqualTo(ran.plus(WebhookJobs.DeliverTask.PAUSED_LOOK_AGAIN));
        }
        assertThat(store.delivery(id).attempts()).isZero();
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.PENDING);
        assertThat(removed).isFalse();

        run(task(8));
        assertThat(store.delivery(id).state()).isEqualTo(DeliveryState.DELIVERED);
    }

    @Test
    void theSweepForDroppedDeliveriesIsDueFirstThenEveryMinuteOnTheTicker() {
        java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong(-5_000_000_000L);
        WebhookJobs.SweepTurns sweeps = new WebhookJobs.SweepTurns(ticker::get, WebhookJobs.SWEEP_EVERY);

        assertThat(sweeps.due()).isTrue();
        assertThat(sweeps.due()).isFalse();
        ticker.addAndGet(WebhookJobs.SWEEP_EVERY.minusMillis(1).toNanos());
        assertThat(sweeps.due()).isFalse();
        ticker.addAndGet(java.time.Duration.ofMillis(1).toNanos());
        assertThat(sweeps.due()).isTrue();
        assertThat(sweeps.due()).isFalse();
    }

    /**
     * The dispatcher's own sweep, run as db-scheduler runs its task, counts its minute on the monotonic ticker it is
     * given, never on the wall clock: the wall clock stepped an hour forward with 59 s on the ticker brings no sweep, and
     * stepped back an hour behind the first sweep with the ticker a minute on brings the next (ADR 0025, session 47). On
     * the wall clock, as before session 47, the second run swept here or the third did not.
     */
    @Test
    void theDispatchersSweepComesOnItsTickerWhateverTheWallClockDoes() {
        java.util.concurrent.atomic.AtomicLong ticker = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        WebhookJobs jobs = new WebhookJobs(DATABASE.dataSource(), service, Duration.ofSeconds(1), FIRST_RETRY, 8,
                ticker::get);
        Runnable dispatch = () -> jobs.dispatchTask().execute(
                new TaskInstance<Void>(WebhookJobs.DISPATCH, RecurringTask.INSTANCE), null);

        dispatch.run();
        assertThat(store.sweeps).as("at the first run").isEqualTo(1);

        now = now.plus(Duration.ofHours(1));
        ticker.addAndGet(WebhookJobs.SWEEP_EVERY.minusSeconds(1).toNanos());
        dispatch.run();
        assertThat(store.sweeps).as("59 s on the ticker, an hour on the wall clock").isEqualTo(1);

        now = now.minus(Duration.ofHours(2));
        ticker.addAndGet(Duration.ofSeconds(1).toNanos());
        dispatch.run();
        assertThat(store.sweeps).as("a minute on the ticker, the wall clock an hour behind the first sweep").isEqualTo(2);
    }

    /**
     * The retention purge (ADR 0025, session 53) is a job of its own, once across instances: a run deletes batch after
     * batch while they come back full, with the configured retention, and stops at the first short one.
     */
    @Test
    void theRetentionPurgeRunsFullBatchesUntilAShortOneWithTheConfiguredRetention() {
        WebhookJobs jobs = new WebhookJobs(DATABASE.dataSource(), service, Duration.ofSeconds(1), FIRST_RETRY, 8,
                System::nanoTime, false, Duration.ofDays(7));
        store.purgeEndedAnswers.addAll(List.of(WebhookJobs.PURGE_ENDED_BATCH, WebhookJobs.PURGE_ENDED_BATCH, 3, 99));

        jobs.purgeEndedTask().execute(new TaskInstance<Void>(WebhookJobs.PURGE_ENDED, RecurringTask.INSTANCE), null);

        assertThat(store.purgeEndedAsked).containsExactly(Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(7));
        assertThat(jobs.purgeEndedTask().getName()).isEqualTo(WebhookJobs.PURGE_ENDED);
    }

    /** A run stops after its bound of batches even while every one comes back full; the next run goes on. */
    @Test
    void aRetentionPurgeRunStopsAfterItsBoundOfBatches() {
        for (int i = 0; i < WebhookJobs.PURGE_ENDED_BATCHES_PER_RUN + 5; i++) {
            store.purgeEndedAnswers.add(WebhookJobs.PURGE_ENDED_BATCH);
        }

        assertThat(WebhookJobs.purgeEnded(service, Duration.ofDays(30)))
                .isEqualTo(WebhookJobs.PURGE_ENDED_BATCHES_PER_RUN * WebhookJobs.PURGE_ENDED_BATCH);
        assertThat(store.purgeEndedAnswers).hasSize(5);
    }

    /** A retention that is not positive stops the start, naming the key. */
    @Test
    void aRetentionThatIsNotPositiveStopsTheStart() {
        for (Duration wrong : List.of(Duration.ZERO, Duration.ofDays(-1))) {
            assertThatThrownBy(() -> new WebhookJobs(DATABASE.dataSource(), service, Duration.ofSeconds(1), FIRST_RETRY,
                    8, System::nanoTime, false, wrong)).isInstanceOf(StartupRefused.class)
                    .hasMessageContaining(WebhookJobs.DELIVERY_RETENTION);
        }
    }
}
