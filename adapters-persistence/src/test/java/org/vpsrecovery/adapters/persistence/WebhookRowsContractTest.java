package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.AdapterContext;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.WebhookDeliveries;
import org.vpsrecovery.domain.port.WebhookSubscriptions;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;
import org.vpsrecovery.domain.webhook.DeliveryState;
import org.vpsrecovery.domain.webhook.OutgoingMessage;
import org.vpsrecovery.domain.webhook.WebhookDelivery;
import org.vpsrecovery.domain.webhook.WebhookDeliveryId;
import org.vpsrecovery.domain.webhook.WebhookEventType;
import org.vpsrecovery.domain.webhook.WebhookSecret;
import org.vpsrecovery.domain.webhook.WebhookSubscription;
import org.vpsrecovery.domain.webhook.WebhookSubscriptionId;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Subscriptions, the outbox written by the audit append, and the delivery log, on PostgreSQL through
 * the Micronaut Data repositories as the service wires them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookRowsContractTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId RED = new TeamId("red");
    /** The context's format is a PlainTextWebhookFormat too: the same text for the same event. */
    private static final PlainTextWebhookFormat FORMAT = new PlainTextWebhookFormat();
    private static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");

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

    @BeforeEach
    void empty() {
        sql("DELETE FROM webhook_subscription");
    }

    private void sql(String statement) {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement s = connection.createStatement()) {
            s.execute(statement);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private WebhookSubscription subscribe(TeamId team, WebhookSecret secret, WebhookEventType... types) {
        WebhookSubscription subscription = new WebhookSubscription(WebhookSubscriptionId.random(), team,
                WebhookTarget.parse("https://hooks.example.com/" + team.value()), Set.of(types),
                T0.truncatedTo(ChronoUnit.MICROS));
        subscriptions.add(subscription, secret);
        return subscription;
    }

    private RecordedAuditEvent append(TeamId team, Outcome outcome) {
        return history.append(new AuditEvent(Instant.now(), team, new RequestId("req-" + team.value()),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.of(ResourceRef.of(new SnapshotId(802))),
                outcome, OptionalInt.of(201), Map.of("attempt_id", "0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b")));
    }

    @Test
    void subscriptionsAreTheTeamsOwn() {
        WebhookSubscription blue = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_COMPLETED,
                WebhookEventType.OPERATION_FAILED);

        assertThat(subscriptions.find(BLUE, blue.id())).contains(blue);
        assertThat(subscriptions.find(RED, blue.id())).isEmpty();
        assertThat(subscriptions.list(BLUE)).containsExactly(blue);
        assertThat(subscriptions.count(BLUE)).isEqualTo(1);
        assertThat(subscriptions.count(RED)).isZero();
        assertThat(subscriptions.remove(RED, blue.id())).isFalse();
        assertThat(subscriptions.remove(BLUE, blue.id())).isTrue();
        assertThat(subscriptions.list(BLUE)).isEmpty();
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

    @Test
    void dispatchAttemptsAndTheDeadLetterAreLogged() {
        WebhookSubscription subscription = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_SUBMITTED);
        append(BLUE, new Outcome.Submitted());
        append(BLUE, new Outcome.Submitted());

        List<WebhookDeliveryId> due = deliveries.undispatched(10);
        assertThat(due).hasSize(2);
        deliveries.markDispatched(due);
        assertThat(deliveries.undispatched(10)).isEmpty();

        WebhookDeliveryId delivered = due.get(0);
        WebhookDeliveryId dead = due.get(1);
        Instant at = T0.plusSeconds(5);
        deliveries.recordAttempt(delivered, at, OptionalInt.of(500), Optional.of("the receiver answered 500"), false);
        deliveries.recordAttempt(delivered, at.plusSeconds(1), OptionalInt.of(204), Optional.empty(), true);
        deliveries.recordAttempt(dead, at, OptionalInt.empty(), Optional.of("x".repeat(800)), false);
        deliveries.markDead(dead);
        // Neither a delivered nor a dead delivery takes more attempts.
        deliveries.recordAttempt(delivered, at.plusSeconds(9), OptionalInt.of(500), Optional.of("late"), false);
        deliveries.markDead(delivered);
        deliveries.recordAttempt(dead, at.plusSeconds(9), OptionalInt.of(204), Optional.empty(), true);

        var log = deliveries.log(subscription.id(), 10);
        WebhookDelivery first = log.stream().filter(d -> d.id().equals(delivered)).findFirst().orElseThrow();
        assertThat(first.state()).isEqualTo(DeliveryState.DELIVERED);
        assertThat(first.attempts()).isEqualTo(2);
        assertThat(first.lastStatusCode()).hasValue(204);
        assertThat(first.lastError()).isEmpty();
        assertThat(first.deliveredAt()).contains(at.plusSeconds(1));
        WebhookDelivery second = log.stream().filter(d -> d.id().equals(dead)).findFirst().orElseThrow();
        assertThat(second.state()).isEqualTo(DeliveryState.DEAD);
        assertThat(second.attempts()).isEqualTo(1);
        assertThat(second.lastError()).hasValueSatisfying(e -> assertThat(e).hasSize(500));
        assertThat(log.get(0).auditSequence()).isGreaterThan(log.get(1).auditSequence());
    }

    @Test
    void deletingASubscriptionDeletesItsLog() {
        WebhookSubscription subscription = subscribe(BLUE, WebhookSecret.random(), WebhookEventType.OPERATION_SUBMITTED);
        append(BLUE, new Outcome.Submitted());
        WebhookDeliveryId id = deliveries.log(subscription.id(), 10).getFirst().id();

        subscriptions.remove(BLUE, subscription.id());

        assertThat(deliveries.message(id)).isEmpty();
        assertThat(deliveries.log(subscription.id(), 10)).isEmpty();
    }
}
