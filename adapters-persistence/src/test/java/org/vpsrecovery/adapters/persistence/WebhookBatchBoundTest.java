package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.webhook.DeliveryRowRepository;
import org.vpsrecovery.domain.port.WebhookDeliveries;

/**
 * A webhook batch statement changes at most its limit of rows, whatever plan PostgreSQL picks (ADR 0025, amended in
 * session 54). {@code DELETE ... WHERE id IN (SELECT ... LIMIT n FOR UPDATE SKIP LOCKED)} may run its sub-select once
 * per row of the outer scan: each run skipped the rows the statement had already deleted (locked by itself) and picked
 * the next, so a purge of 1 deleted every ended delivery. The contract tests met such a plan under load (with whatever
 * statistics the table had then). Here every connection to this class's database plans with settings that force it.
 * Beside another purge or sweep holding rows (session 55), each statement also skips those, still within its limit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookBatchBoundTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    /** Off: the sub-select goes to the inner side of a nested loop, rescanned for each outer row, nothing kept. */
    private static final List<String> RESCANNING_PLAN = List.of("enable_hashagg", "enable_sort", "enable_material",
            "enable_hashjoin", "enable_mergejoin", "enable_memoize");

    /** The statement shape before session 54, which the settings must make overshoot for this test to mean anything. */
    private static final String IN_SUB_SELECT_OF_ONE = """
            DELETE FROM webhook_delivery WHERE id IN (
                SELECT id FROM webhook_delivery WHERE state <> 'pending' ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)""";

    private static final int ENDED = 12;

    /** A statement waiting on a row another transaction holds fails here rather than hanging (the purges set 2 s). */
    private static final String WAIT_AT_MOST = "10s";

    private ApplicationContext context;
    private WebhookDeliveries deliveries;
    /** The last audit sequence given to a delivery here, and its id's number: ids in the order rows were made. */
    private long sequence;
    /** The last subscription id's number: subscriptions' ids in the order they were made. */
    private long subscriptions;

    @BeforeAll
    void planWithTheSubSelectRescanned() throws SQLException {
        for (String setting : RESCANNING_PLAN) {
            DATABASE.database().execute("ALTER DATABASE " + DATABASE.database().name() + " SET " + setting + " = off");
        }
        DATABASE.database().execute("ALTER DATABASE " + DATABASE.database().name() + " SET lock_timeout = '"
                + WAIT_AT_MOST + "'");
        context = AdapterContext.on(DATABASE.database());
        deliveries = context.getBean(WebhookDeliveries.class);
    }

    @AfterAll
    void stopContext() {
        context.close();
    }

    @BeforeEach
    void empty() throws SQLException {
        sql("DELETE FROM webhook_subscription");
        sql("DELETE FROM scheduled_tasks WHERE task_name = '" + DeliveryRowRepository.DELIVERY_TASK + "'");
    }

    @Test
    void anEndedPurgeOfOneDeletesOneThoughItsRowsTieOnTheirAge() throws SQLException {
        UUID subscription = subscription(false);
        deliveries(subscription, ENDED, "delivered", true);
        deliveries(subscription, 2, "pending", true);
        assertThat(overshootOfTheOldShape()).as("these settings make the old shape delete every ended row")
                .isEqualTo(ENDED);

        List<Integer> steps = new ArrayList<>();
        for (int step = 0; step <= ENDED; step++) {
            steps.add(deliveries.purgeEnded(Duration.ZERO, 1));
        }

        List<Integer> oneAtATime = new ArrayList<>(Collections.nCopies(ENDED, 1));
        oneAtATime.add(0);
        assertThat(steps).isEqualTo(oneAtATime);
        assertThat(count("SELECT count(*) FROM webhook_delivery")).as("the pending ones stay").isEqualTo(2);
    }

    /** The removed subscriptions' purge: its two statements each stop at the limit under the same settings. */
    @Test
    void aRemovedSubscriptionsPurgeOfOneDeletesOne() throws SQLException {
        for (int i = 0; i < 2; i++) {
            deliveries(subscription(true), 3, "delivered", true);
        }
        UUID kept = subscription(false);
        deliveries(kept, 2, "delivered", true);

        List<Integer> steps = new ArrayList<>();
        for (int step = 0; step < 9; step++) {
            steps.add(deliveries.purgeRemoved(Duration.ZERO, 1));
        }

        assertThat(steps).as("six deliveries, then two subscriptions, one a step").containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 0);
        assertThat(count("SELECT count(*) FROM webhook_subscription")).isEqualTo(1);
        assertThat(count("SELECT count(*) FROM webhook_delivery")).isEqualTo(2);
    }

    /** The sweep for deliveries db-scheduler dropped: one a step as well. */
    @Test
    void theSweepOfOneEndsOne() throws SQLException {
        deliveries(subscription(false), 4, "pending", true);

        List<Integer> steps = new ArrayList<>();
        for (int step = 0; step < 5; step++) {
            steps.add(deliveries.markDeadWhenUnscheduled(1));
        }

        assertThat(steps).containsExactly(1, 1, 1, 1, 0);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE state = 'dead'")).isEqualTo(4);
    }

    /**
     * Another purge's transaction holds the first removed subscription's deliveries (its deletes not yet committed): this
     * purge deletes its limit of the second's, none of the held ones, and does not wait for them. With the sub-select as
     * {@code IN (...)} the plan here deleted all six of the second's; without SKIP LOCKED it waited on the held ones.
     */
    @Test
    void aRemovedDeliveriesPurgeBesideAnotherTakesItsLimitOfTheRowsNotHeld() throws SQLException {
        UUID held = subscription("3 hours");
        UUID free = subscription("1 hour");
        deliveries(held, 6, "delivered", true);
        deliveries(free, 6, "delivered", true);

        int purged = whileHeld("DELETE FROM webhook_delivery WHERE subscription_id = '" + held + "'",
                () -> deliveries.purgeRemoved(Duration.ZERO, 2));

        assertThat(purged).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE subscription_id = '" + held + "'"))
                .as("the rows the other purge held").isEqualTo(6);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE subscription_id = '" + free + "'")).isEqualTo(4);
    }

    /** The same for the emptied subscriptions: another purge holds the three removed first, this one takes two others. */
    @Test
    void aRemovedSubscriptionsPurgeBesideAnotherTakesItsLimitOfTheRowsNotHeld() throws SQLException {
        List<UUID> held = List.of(subscription("3 hours"), subscription("3 hours"), subscription("3 hours"));
        List<UUID> free = List.of(subscription("1 hour"), subscription("1 hour"), subscription("1 hour"));

        int purged = whileHeld("DELETE FROM webhook_subscription WHERE id IN (" + quoted(held) + ")",
                () -> deliveries.purgeRemoved(Duration.ZERO, 2));

        assertThat(purged).as("no delivery, then two subscriptions").isEqualTo(2);
        assertThat(count("SELECT count(*) FROM webhook_subscription WHERE id IN (" + quoted(held) + ")"))
                .as("the rows the other purge held").isEqualTo(3);
        assertThat(count("SELECT count(*) FROM webhook_subscription WHERE id IN (" + quoted(free) + ")")).isEqualTo(1);
    }

    /** The same for the sweep: another sweep holds the first three dropped deliveries, this one ends two others. */
    @Test
    void theSweepBesideAnotherEndsItsLimitOfTheRowsNotHeld() throws SQLException {
        UUID subscription = subscription(false);
        List<UUID> held = deliveries(subscription, 3, "pending", true);
        List<UUID> free = deliveries(subscription, 3, "pending", true);

        int swept = whileHeld("UPDATE webhook_delivery SET state = 'dead' WHERE id IN (" + quoted(held) + ")",
                () -> deliveries.markDeadWhenUnscheduled(2));

        assertThat(swept).isEqualTo(2);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE state = 'pending' AND id IN (" + quoted(held) + ")"))
                .as("the rows the other sweep held").isEqualTo(3);
        assertThat(count("SELECT count(*) FROM webhook_delivery WHERE state = 'dead' AND id IN (" + quoted(free) + ")"))
                .isEqualTo(2);
    }

    /** What the old shape deletes here, rolled back. */
    private long overshootOfTheOldShape() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement s = connection.createStatement()) {
            connection.setAutoCommit(false);
            try {
                return s.executeUpdate(IN_SUB_SELECT_OF_ONE);
            } finally {
                connection.rollback();
            }
        }
    }

    /**
     * {@code step} run while another transaction (another purge or sweep) holds the rows {@code holding} changes, not yet
     * committed; that one is rolled back after, so the held rows are as they were unless {@code step} changed them.
     */
    private int whileHeld(String holding, StepUnderTest step) throws SQLException {
        try (Connection other = DATABASE.dataSource().getConnection(); Statement s = other.createStatement()) {
            other.setAutoCommit(false);
            try {
                assertThat(s.executeUpdate(holding)).as("rows held").isPositive();
                return step.run();
            } finally {
                other.rollback();
            }
        }
    }

    @FunctionalInterface
    private interface StepUnderTest {
        int run();
    }

    private UUID subscription(boolean removed) throws SQLException {
        return subscription(removed ? "1 hour" : null);
    }

    /** A subscription removed {@code removedAgo} (an interval), or kept when null; ids ascend as they are made. */
    private UUID subscription(String removedAgo) throws SQLException {
        UUID id = new UUID(0, ++subscriptions);
        sql("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at, deleted_at) VALUES ('"
                + id + "', 'blue', 'https://hooks.example.com/in', 'operation.completed', 'whsec_c2VjcmV0', now(), "
                + (removedAgo == null ? "NULL" : "now() - interval '" + removedAgo + "'") + ")");
        return id;
    }

    /**
     * {@code rows} deliveries of one state, all queued at the same instant: ties on {@code created_at}. Their ids ascend
     * as they are made; answered in that order.
     */
    private List<UUID> deliveries(UUID subscription, int rows, String state, boolean dispatched) throws SQLException {
        List<UUID> ids = new ArrayList<>();
        for (int row = 1; row <= rows; row++) {
            ids.add(new UUID(0, sequence + row));
        }
        sql("INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,"
                + " attempts, created_at) SELECT ('00000000-0000-0000-0000-' || lpad(to_hex(" + sequence + " + g), 12, '0'))"
                + "::uuid, '" + subscription + "', 'operation.completed', " + sequence + " + g, 'body', '" + state + "', "
                + dispatched + ", 0, now() - interval '1 day' FROM generate_series(1, " + rows + ") g");
        sequence += rows;
        return ids;
    }

    private static String quoted(List<UUID> ids) {
        return ids.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
    }

    private long count(String query) throws SQLException {
        return Long.parseLong(DATABASE.database().strings(query).getFirst());
    }

    private void sql(String statement) throws SQLException {
        DATABASE.database().execute(statement);
    }
}
