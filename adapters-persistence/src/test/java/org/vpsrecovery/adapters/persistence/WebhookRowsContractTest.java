package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.webhook.DeliveryRowRepository;
import org.vpsrecovery.adapters.persistence.webhook.WebhookRows;
import org.vpsrecovery.application.webhook.DeliverWebhooksService;
import org.vpsrecovery.application.webhook.DeliverySlots;
import org.vpsrecovery.application.webhook.WebhookTargetGuard;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.port.contract.WebhooksContract;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * The webhook contract on PostgreSQL, through the Micronaut Data repositories as the service wires them,
 * with deliveries written by the audit append's outbox; and what only the outbox does: it picks the
 * subscriptions of the event's team and type, and commits or rolls back with the event (ADR 0025).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRowsContractTest extends WebhooksContract {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** The context's format is a PlainTextWebhookFormat too: the same text for the same event. */
    private static final PlainTextWebhookFormat FORMAT = new PlainTextWebhookFormat();

    private ApplicationContext context;
    private WebhookSubscriptions subscriptions;
    private WebhookDeliveries deliveries;
    private AuditHistory history;

    @BeforeAll
    void startContext() {
        context = AdapterContext.on(DATABASE.database());
        subscriptions = context.getBean(WebhookSubscriptions.class);
        deliveries = context.getBean(WebhookDeliveries.class);
        history = context.getBean(AuditHistory.class);
    }

    @AfterAll
    void stopContext() {
        context.close();
    }

    @Override
    protected Subject emptySubject() {
        sql("DELETE FROM webhook_subscription");
        sql("DELETE FROM scheduled_tasks WHERE task_name = '" + DeliveryRowRepository.DELIVERY_TASK + "'");
        return new Subject(subscriptions, deliveries);
    }

    @Override
    protected Appended eventAppended(TeamId team, WebhookEventType type) {
        Outcome outcome = switch (type) {
            case OPERATION_SUBMITTED -> new Outcome.Submitted();
            case OPERATION_COMPLETED -> new Outcome.Completed();
            case OPERATION_FAILED -> new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "refused");
            default -> throw new IllegalArgumentException("no audit outcome chosen here for " + type);
        };
        RecordedAuditEvent recorded = append(team, outcome);
        return new Appended(recorded.sequence(), FORMAT.body(type, recorded));
    }

    /** A row as db-scheduler writes one for the delivery's one-time task (V6's table). */
    @Override
    protected void schedulerHolds(WebhookDeliveryId id) {
        sql("INSERT INTO scheduled_tasks (task_name, task_instance, execution_time, picked, version) VALUES ('"
                + DeliveryRowRepository.DELIVERY_TASK + "', '" + id.value() + "', now(), false, 1)");
    }

    /** PostgreSQL's {@code now()} cannot be moved: the run's start is moved back instead. */
    @Override
    protected void putOffsAged(WebhookDeliveryId id, Duration earlier) {
        sql("UPDATE webhook_delivery SET put_off_since = put_off_since - " + earlier.toMillis()
                + " * interval '1 millisecond' WHERE id = '" + id.value() + "'");
    }

    @Override
    protected void schedulerDropped(WebhookDeliveryId id) {
        sql("DELETE FROM scheduled_tasks WHERE task_name = '" + DeliveryRowRepository.DELIVERY_TASK
                + "' AND task_instance = '" + id.value() + "'");
    }

    private long count(String query) {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement s = connection.createStatement();
             ResultSet rows = s.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private void sql(String statement) {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement s = connection.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private WebhookSubscription subscribe(TeamId team, WebhookSecret secret, WebhookEventType... types) {
        return subscribed(team, T0, secret, types);
    }

    private RecordedAuditEvent append(TeamId team, Outcome outcome) {
        return history.append(new AuditEvent(Instant.now(), team, new RequestId("req-" + team.value()),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.of(ResourceRef.of(new SnapshotId(802))),
                outcome, OptionalInt.of(201), Map.of("attempt_id", java.util.UUID.randomUUID().toString()))); // an attempt ends once (ADR 0142)
    }

    @Test
    void anAuditEventQueuesOneDeliveryPerSubscriptionOfItsTeamAndType() {
        WebhookSecret secret = WebhookSecret.random();
        WebhookSubscription completed = subscribe(BLUE, secret, WebhookEventType.OPERATION_COMPLETED);
        WebhookSubscription failed = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_FAILED);
        WebhookSubscription red = subscribe(RED, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);

        RecordedAuditEvent event = append(BLUE, new Outcome.Completed());
        append(BLUE, new Outcome.Accepted());

        List<WebhookDelivery> log = deliveries.log(completed.id(), 10);
        assertThat(log).singleElement().satisfies(d -> {
            assertThat(d.auditSequence()).isEqualTo(event.sequence());
            assertThat(d.eventType()).isEqualTo(WebhookEventType.OPERATION_COMPLETED);
            assertThat(d.state()).isEqualTo(DeliveryState.PENDING);
            assertThat(d.attempts()).isZero();
        });
        assertThat(deliveries.log(failed.id(), 10)).isEmpty();
        assertThat(deliveries.log(red.id(), 10)).isEmpty();
        OutgoingMessage message = deliveries.message(log.getFirst().id()).orElseThrow();
        assertThat(message.secret()).isEqualTo(secret);
        assertThat(message.target()).isEqualTo(completed.target());
        // Exactly the text the message format gave at append time (its JSON is adapters-http's, tested there).
        assertThat(message.body()).isEqualTo(FORMAT.body(WebhookEventType.OPERATION_COMPLETED, event))
                .contains("operation.completed #" + event.sequence());
    }

    @Test
    void anEventAndItsDeliveriesCommitOrRollBackTogether() {
        subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_FAILED);
        long before = history.query(AuditQuery.latest(1)).stream().mapToLong(RecordedAuditEvent::sequence).max().orElse(0);
        sql("ALTER TABLE webhook_delivery RENAME TO webhook_delivery_away");
        try {
            assertThatThrownBy(() -> append(BLUE, new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "refused")))
                    .isInstanceOf(RuntimeException.class);
        } finally {
            sql("ALTER TABLE webhook_delivery_away RENAME TO webhook_delivery");
        }
        long after = history.query(AuditQuery.latest(1)).stream().mapToLong(RecordedAuditEvent::sequence).max().orElse(0);
        assertThat(after).as("the event whose deliveries could not be written is not written either").isEqualTo(before);
        assertThat(history.verifyChain().isIntact()).isTrue();
    }

    /**
     * A webhook's backlog is read from V69's index and counts at most {@link WebhookDeliveries#MAX_BACKLOG_COUNTED}, so
     * that a flood does not make every GET of the webhook count it all; the oldest one's age, on the database's clock,
     * is still the oldest's (ADR 0025, session 50).
     */
    @Test
    void aWebhooksBacklogCountsAtMostItsBoundAndAgesTheOldest() {
        WebhookSubscription flooded = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        int waiting = WebhookDeliveries.MAX_BACKLOG_COUNTED + 5;
        sql("INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,"
                + " attempts, created_at) SELECT gen_random_uuid(), '" + flooded.id().value() + "', 'operation.completed',"
                + " g, 'waits', 'pending', false, 0, now() - interval '1 hour' + g * interval '1 ms'"
                + " FROM generate_series(1, " + waiting + ") g");
        sql("INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,"
                + " attempts, created_at) SELECT gen_random_uuid(), '" + flooded.id().value() + "', 'operation.completed',"
                + " -g, 'old', 'delivered', true, 1, now() - interval '2 hours' FROM generate_series(1, 50) g");

        WebhookDeliveries.Backlog backlog = deliveries.undispatchedBacklog(flooded.id());
        assertThat(backlog.count()).isEqualTo(WebhookDeliveries.MAX_BACKLOG_COUNTED);
        assertThat(backlog.oldestAge()).as("the oldest undispatched, not a dispatched one")
                .isGreaterThanOrEqualTo(Duration.ofHours(1)).isLessThan(Duration.ofHours(2));
    }

    /**
     * The review's stall (ADR 0025, session 37): a subscription with a long log is removed as the service removes it,
     * not yet committed, while appends of its team (one queues a delivery for it) and of another team come in. A
     * DELETE cascading over the log held the row's FOR UPDATE lock; the append's foreign-key check waited on it while
     * holding the chain head, and every append queued behind. The mark's FOR NO KEY UPDATE lets them through.
     */
    @Test
    void removingASubscriptionWithALongLogNeverHoldsUpAnAppend() throws Exception {
        WebhookSubscription busy = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        append(BLUE, new Outcome.Completed());
        int logged = 20_000;
        sql("INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,"
                + " attempts, created_at) SELECT gen_random_uuid(), '" + busy.id().value() + "', 'operation.completed',"
                + " -g, 'old', 'delivered', true, 1, now() FROM generate_series(1, " + logged + ") g");
        ExecutorService appenders = Executors.newFixedThreadPool(2);
        try (Connection remover = DATABASE.dataSource().getConnection()) {
            remover.setAutoCommit(false);
            try {
                try (PreparedStatement remove = remover.prepareStatement(WebhookRows.REMOVE)) {
                    remove.setObject(1, busy.id().value());
                    remove.setString(2, BLUE.value());
                    assertThat(remove.executeUpdate()).isEqualTo(1);
                }
                Future<RecordedAuditEvent> sameTeam = appenders.submit(() -> append(BLUE, new Outcome.Completed()));
                Future<RecordedAuditEvent> otherTeam = appenders.submit(() -> append(RED, new Outcome.Completed()));

                // A bound, not a timing: without the fix both wait until the removal ends, which here is never.
                assertThat(sameTeam.get(60, TimeUnit.SECONDS).event().team()).isEqualTo(BLUE);
                assertThat(otherTeam.get(60, TimeUnit.SECONDS).event().team()).isEqualTo(RED);
                remover.commit();
            } finally {
                // Lets appends held up by a failed run end, so the other tests find the chain free.
                remover.rollback();
                remover.setAutoCommit(true);
            }
        } finally {
            appenders.shutdown();
            appenders.awaitTermination(60, TimeUnit.SECONDS);
        }

        // The append read the subscription before the removal committed and queued a delivery for it: hidden, and purged.
        assertThat(subscriptions.find(BLUE, busy.id())).isEmpty();
        assertThat(deliveries.log(busy.id(), 10)).isEmpty();
        assertThat(deliveries.undispatched(WebhookDeliveries.MAX_PAGE)).isEmpty();
        String rowsOfBusy = "SELECT count(*) FROM webhook_delivery WHERE subscription_id = '" + busy.id().value() + "'";
        assertThat(count(rowsOfBusy)).isEqualTo(logged + 2);
        int steps = 0;
        while (deliveries.purgeRemoved(Duration.ZERO, WebhookDeliveries.MAX_PAGE) > 0) {
            steps++;
        }
        assertThat(steps).as("steps of at most %d rows", WebhookDeliveries.MAX_PAGE)
                .isGreaterThanOrEqualTo((logged + 2) / WebhookDeliveries.MAX_PAGE);
        assertThat(count(rowsOfBusy)).isZero();
        assertThat(count("SELECT count(*) FROM webhook_subscription WHERE id = '" + busy.id().value() + "'")).isZero();
        assertThat(history.verifyChain().isIntact()).isTrue();
    }

    /**
     * A removal whose session is ended under its auto-committed UPDATE (here while it waits for a row lock; as well after
     * its commit) may have been stored: not PlatformUnavailable's "nothing was done, try again", but a failure of no
     * domain type, which the service answers 504 PLATFORM_OUTCOME_UNKNOWN (ADR 0023, amended in session 44 after review).
     */
    @Test
    void aRemovalWhoseSessionIsEndedUnderItsUpdateIsNotToldNothingWasDone() throws Exception {
        WebhookSubscription cut = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        ExecutorService removers = Executors.newSingleThreadExecutor();
        try (Connection holder = DATABASE.dataSource().getConnection();
             Connection observer = DATABASE.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (Statement lockRow = holder.createStatement()) {
                lockRow.executeQuery("SELECT 1 FROM webhook_subscription WHERE id = '" + cut.id().value() + "' FOR UPDATE")
                        .close();
            }
            Future<Boolean> removing = removers.submit(() -> subscriptions.remove(BLUE, cut.id()));
            String waiting = "FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    + " AND query LIKE 'UPDATE webhook_subscription SET deleted_at%' AND pid <> pg_backend_pid()";
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (countOn(observer, "SELECT count(*) " + waiting) == 0) {
                assertThat(System.nanoTime()).as("the removal waits for the row's lock").isLessThan(deadline);
                Thread.sleep(5);
            }
            countOn(observer, "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) " + waiting + ") ended");

            assertThatThrownBy(() -> removing.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .cause().isNotInstanceOf(RecoveryException.class).hasMessageContaining("may be removed");
            holder.rollback();
        } finally {
            removers.shutdown();
            removers.awaitTermination(60, TimeUnit.SECONDS);
        }
    }

    private static long countOn(Connection connection, String query) throws SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The retention purge on PostgreSQL (ADR 0025, session 53): ended deliveries queued longer ago than the retention
     * go, oldest first; a recent ended one and an old pending one stay.
     */
    @Test
    void endedDeliveriesOlderThanTheRetentionGoAndRecentAndPendingOnesStay() {
        WebhookSubscription subscription = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        for (int i = 0; i < 5; i++) {
            append(BLUE, new Outcome.Completed());
        }
        List<WebhookDeliveryId> log = deliveries.log(subscription.id(), 10).reversed().stream()
                .map(WebhookDelivery::id).toList();
        WebhookDeliveryId oldest = log.get(0);
        WebhookDeliveryId oldDead = log.get(1);
        WebhookDeliveryId oldPending = log.get(2);
        WebhookDeliveryId recentDelivered = log.get(3);
        WebhookDeliveryId recentDead = log.get(4);
        for (WebhookDeliveryId delivered : List.of(oldest, recentDelivered)) {
            deliveries.recordAttempt(delivered, Instant.now(), OptionalInt.of(204), Optional.empty(), true);
        }
        deliveries.recordAttempt(oldPending, Instant.now(), OptionalInt.of(503), Optional.of("the receiver answered 503"),
                false);
        deliveries.markDead(oldDead);
        deliveries.markDead(recentDead);
        sql("UPDATE webhook_delivery SET created_at = now() - interval '40 days' WHERE id IN ('" + oldest.value()
                + "', '" + oldPending.value() + "')");
        sql("UPDATE webhook_delivery SET created_at = now() - interval '31 days' WHERE id = '" + oldDead.value() + "'");
        sql("UPDATE webhook_delivery SET created_at = now() - interval '29 days' WHERE id = '" + recentDelivered.value()
                + "'");

        assertThat(deliveries.purgeEnded(Duration.ofDays(30), 1)).isEqualTo(1);
        assertThat(deliveries.message(oldest)).as("the oldest first").isEmpty();
        assertThat(deliveries.message(oldDead)).isPresent();
        assertThat(deliveries.purgeEnded(Duration.ofDays(30), 10)).isEqualTo(1);
        assertThat(deliveries.purgeEnded(Duration.ofDays(30), 10)).isZero();

        assertThat(deliveries.log(subscription.id(), 10)).extracting(WebhookDelivery::id)
                .containsExactlyInAnyOrder(oldPending, recentDelivered, recentDead);
        assertThat(count("SELECT count(*) FROM webhook_delivery")).isEqualTo(3);
    }

    /** The rows behind the contract's purge: a removed subscription's stay, marked, until the purge takes them. */
    @Test
    void aRemovedSubscriptionsRowsStayMarkedUntilThePurge() {
        WebhookSubscription removed = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        WebhookSubscription kept = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        append(BLUE, new Outcome.Completed());
        String rowsOfRemoved = "SELECT count(*) FROM webhook_delivery WHERE subscription_id = '" + removed.id().value() + "'";

        assertThat(subscriptions.remove(BLUE, removed.id())).isTrue();

        append(BLUE, new Outcome.Completed());

        assertThat(count(rowsOfRemoved)).as("the outbox queues none for a removed one").isEqualTo(1);
        assertThat(count("SELECT count(*) FROM webhook_subscription WHERE deleted_at IS NOT NULL")).isEqualTo(1);
        assertThat(deliveries.purgeRemoved(Duration.ofMinutes(1), 10)).isZero();
        assertThat(deliveries.purgeRemoved(Duration.ZERO, 10)).isEqualTo(2);
        assertThat(count(rowsOfRemoved)).isZero();
        assertThat(count("SELECT count(*) FROM webhook_subscription")).isEqualTo(1);
        assertThat(deliveries.log(kept.id(), 10)).hasSize(2);
    }

    /**
     * A release before V60 records an attempt without ending the put-offs' run in the column: the attempt's time ends
     * it all the same (ADR 0025, session 38), so a delivery is not ended early after a rolling deploy.
     */
    @Test
    void anAttemptRecordedByAReleaseBeforeV60EndsTheRunOfPutOffsToo() {
        WebhookSubscription subscription = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        append(BLUE, new Outcome.Completed());
        WebhookDeliveryId id = deliveries.log(subscription.id(), 1).getFirst().id();
        assertThat(deliveries.recordPutOff(id)).contains(Duration.ZERO);
        putOffsAged(id, Duration.ofMinutes(10));

        // The previous release's attempt, a minute ago, after the put-off: V7's columns only.
        sql("UPDATE webhook_delivery SET attempts = attempts + 1, last_attempt_at = now() - interval '1 minute',"
                + " last_status = 503 WHERE id = '" + id.value() + "'");

        assertThat(deliveries.recordPutOff(id)).as("a new run").contains(Duration.ZERO);
        putOffsAged(id, Duration.ofSeconds(30));
        assertThat(deliveries.recordPutOff(id)).hasValueSatisfying(d -> assertThat(d).isBetween(Duration.ofSeconds(30),
                Duration.ofMinutes(10)));
    }

    /**
     * A run of put-offs is made by whichever instance runs the delivery's task, each reading its own clock. Timed on
     * those clocks, an instance a minute ahead of the one that began the run took it for two minutes old at its first
     * put-off, and with a one-minute limit ended the delivery dead, its log saying "put off for 120 s", after moments.
     * Timed on the database's clock it stays pending until the run is as old as the limit there (ADR 0025, amended in
     * session 48).
     */
    @Test
    void aRunOfPutOffsIsTimedOnTheDatabasesClockNotOnTheInstancesClocks() {
        WebhookSubscription subscription = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED);
        append(BLUE, new Outcome.Completed());
        WebhookDeliveryId id = deliveries.log(subscription.id(), 1).getFirst().id();
        Duration limit = DeliverWebhooksService.putOffLimit(Duration.ofSeconds(30), 2);
        DeliverWebhooksService behind = instanceWithItsHostBusy(Duration.ofMinutes(-1), subscription, limit);
        DeliverWebhooksService ahead = instanceWithItsHostBusy(Duration.ofMinutes(1), subscription, limit);

        assertThat(behind.attempt(id)).isEqualTo(DeliverWebhooksService.Attempt.NO_SLOT);
        assertThat(ahead.attempt(id)).as("put off for moments, not for the two minutes between the instances' clocks")
                .isEqualTo(DeliverWebhooksService.Attempt.NO_SLOT);
        assertThat(deliveries.log(subscription.id(), 1).getFirst().state()).isEqualTo(DeliveryState.PENDING);

        sql("UPDATE webhook_delivery SET put_off_since = put_off_since - interval '1 minute' WHERE id = '" + id.value() + "'");
        assertThat(behind.attempt(id)).as("a minute on the database's clock, on the instance whose clock is behind")
                .isEqualTo(DeliverWebhooksService.Attempt.PUT_OFF_TOO_LONG);
        WebhookDelivery dead = deliveries.log(subscription.id(), 1).getFirst();
        assertThat(dead.state()).isEqualTo(DeliveryState.DEAD);
        // At least the minute the run was aged by; more by however long this machine took between the statements.
        assertThat(dead.lastError()).hasValueSatisfying(why -> assertThat(
                Integer.parseInt(why.replaceFirst("^not sent: put off for (\\d+) s.*$", "$1"))).isGreaterThanOrEqualTo(60));
    }

    /**
     * The deliverer of an instance whose clock is {@code offset} from the database's, over these rows, its slot for the
     * subscription's host held: every attempt is put off, nothing is sent.
     */
    private DeliverWebhooksService instanceWithItsHostBusy(Duration offset, WebhookSubscription subscription,
                                                           Duration putOffLimit) {
        WebhookTransport sendsNothing = new WebhookTransport() {
            @Override
            public List<java.net.InetAddress> resolve(TeamId team, String host) {
                throw new AssertionError("a put-off looks nothing up");
            }

            @Override
            public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
                throw new AssertionError("a put-off sends nothing");
            }
        };
        DeliverySlots slots = new DeliverySlots(2, 1, 1, Duration.ofSeconds(2), Duration.ofSeconds(30));
        assertThat(slots.tryTake(RED, subscription.target().host())).isPresent();
        return new DeliverWebhooksService(deliveries, sendsNothing, new WebhookTargetGuard(sendsNothing,
                TargetAddressRules.PUBLIC_ONLY), Clock.offset(Clock.systemUTC(), offset), slots, putOffLimit);
    }
}
