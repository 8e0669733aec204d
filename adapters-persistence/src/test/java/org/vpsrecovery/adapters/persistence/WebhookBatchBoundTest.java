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

    private ApplicationContext context;
    private WebhookDeliveries deliveries;
    /** The last audit sequence given to a delivery here: unique per subscription (V7). */
    private long sequence;

    @BeforeAll
    void planWithTheSubSelectRescanned() throws SQLException {
        for (String setting : RESCANNING_PLAN) {
            DATABASE.database().execute("ALTER DATABASE " + DATABASE.database().name() + " SET " + setting + " = off");
        }
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

    private UUID subscription(boolean removed) throws SQLException {
        UUID id = UUID.randomUUID();
        sql("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at, deleted_at) VALUES ('"
                + id + "', 'blue', 'https://hooks.example.com/in', 'operation.completed', 'whsec_c2VjcmV0', now(), "
                + (removed ? "now() - interval '1 hour'" : "NULL") + ")");
        return id;
    }

    /** {@code rows} deliveries of one state, all queued at the same instant: ties on {@code created_at}. */
    private void deliveries(UUID subscription, int rows, String state, boolean dispatched) throws SQLException {
        sql("INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,"
                + " attempts, created_at) SELECT gen_random_uuid(), '" + subscription + "', 'operation.completed',"
                + " " + sequence + " + g, 'body', '" + state + "', " + dispatched + ", 0,"
                + " now() - interval '1 day' FROM generate_series(1, " + rows + ") g");
        sequence += rows;
    }

    private long count(String query) throws SQLException {
        return Long.parseLong(DATABASE.database().strings(query).getFirst());
    }

    private void sql(String statement) throws SQLException {
        DATABASE.database().execute(statement);
    }
}
