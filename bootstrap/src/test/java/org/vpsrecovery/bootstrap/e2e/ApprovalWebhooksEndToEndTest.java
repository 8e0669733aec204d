package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.OTHER_TOKEN;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.application.approval.ApprovalsService;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * The {@code approval.*} webhooks over HTTP (ADR 0040, ADR 0025): each team subscribes a loopback receiver to
 * the four approval types; a delete asked by one person is approved by another, one is denied, and one of the
 * other team (2 s time limit) expires. Each step arrives once, signed as Standard Webhooks says (checked with an
 * HMAC the test computes), naming its operation and who took the step. And a step whose event an instance never
 * appended (it stopped between the step's write and the append) is audited once by settle-approvals.
 */
class ApprovalWebhooksEndToEndTest {

    private static final String[] APPROVAL_TYPES = {"approval.requested", "approval.approved", "approval.denied",
            "approval.expired"};
    /** Each type's audit operation, as the message names it. */
    private static final Map<String, String> STEPS = Map.of("approval.requested", "request_approval",
            "approval.approved", "approve_operation", "approval.denied", "deny_operation",
            "approval.expired", "expire_approval");

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(
            SimulatorOptions.defaults().withDelays(Duration.ofMillis(200), Duration.ofMillis(200)),
            PlatformWithIdentityProvider.with(PlatformWithIdentityProvider.QUICK_APPROVALS, Map.ofEntries(
                    Map.entry("vpsr.teams.demo.approval-required", "delete"),
                    Map.entry("vpsr.teams.other-team.approval-required", "delete"),
                    Map.entry("vpsr.jobs.polling-interval", "200ms"),
                    Map.entry("vpsr.webhooks.allow-loopback", "true"),
                    Map.entry("vpsr.webhooks.dispatch-every", "200ms"))));
    static HttpServer receiver;
    static final List<Received> received = new ArrayList<>();
    static String demoSecret;
    static String otherSecret;

    record Received(String path, Map<String, String> headers, String body) {
    }

    @BeforeAll
    static void start() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", ApprovalWebhooksEndToEndTest::take);
        receiver.start();
        demoSecret = subscribe(DEMO_TOKEN, "/demo");
        otherSecret = subscribe(OTHER_TOKEN, "/other");
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    private static void take(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> headers = new java.util.HashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(), values.getFirst()));
            synchronized (received) {
                received.add(new Received(exchange.getRequestURI().getPath(), headers, body));
            }
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** Subscribes {@code team}'s receiver (its own path) to the approval types; answers the signing secret. */
    private static String subscribe(String token, String path) {
        String types = String.join(", ", java.util.Arrays.stream(APPROVAL_TYPES).map(t -> "\"" + t + "\"").toList());
        Answer created = SETUP.platform().send("POST", "/api/v1/webhooks/", token, "{\"url\": \"http://127.0.0.1:"
                + receiver.getAddress().getPort() + path + "\", \"event_types\": [" + types + "]}");
        assertThat(created.status()).isEqualTo(201);
        return (String) created.get("secret");
    }

    /** Asks for the delete of {@code snapshot} as {@code person}; answers the operation's id (202, pending approval). */
    private static String askToDelete(long snapshot, String person) {
        Answer asked = SETUP.platform().send("DELETE", "/api/v1/snapshots/" + snapshot + "/", person, null);
        assertThat(asked.status()).isEqualTo(202);
        return asked.header("X-Operation-Id");
    }

    private static Answer decide(String operation, String person, String decision) {
        return SETUP.platform().send("POST", "/api/v1/operations/" + operation + "/approval/", person,
                "{\"decision\": \"" + decision + "\"}");
    }

    /** The deliveries to {@code path} about {@code operation}, in the order they arrived. */
    private static List<Received> deliveriesAbout(String path, String operation) {
        synchronized (received) {
            return received.stream().filter(r -> r.path().equals(path) && operation.equals(data(r).get("operation_id")))
                    .toList();
        }
    }

    private static Map<String, Object> message(Received delivery) {
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> parsed = SETUP.platform().json.readValue(delivery.body(), Map.class);
            return parsed;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> data(Received delivery) {
        return (Map<String, Object>) message(delivery).get("data");
    }

    /**
     * Waits for one delivery of each of {@code actors}' types about {@code operation} (the dispatcher sends them in
     * any order), then checks each one's signature, operation and who took the step.
     */
    private static void assertDelivered(String path, String secret, String operation, Map<String, Map<String, Object>> actors) {
        List<Received> deliveries = await("the approval steps of " + operation + " reach the receiver")
                .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> deliveriesAbout(path, operation), found -> found.size() >= actors.size());
        assertThat(deliveries).extracting(d -> (String) message(d).get("type"))
                .containsExactlyInAnyOrderElementsOf(actors.keySet());
        for (Received delivery : deliveries) {
            String type = (String) message(delivery).get("type");
            String id = delivery.headers().get("webhook-id");
            assertThat(delivery.headers().get("webhook-signature"))
                    .isEqualTo(StandardWebhookSignature.of(secret,
                            id + "." + delivery.headers().get("webhook-timestamp") + "." + delivery.body()));
            assertThat(data(delivery)).containsEntry("operation_id", operation).containsEntry("operation", STEPS.get(type))
                    .containsEntry("outcome", "COMPLETED").containsEntry("actor", actors.get(type));
            assertThat(delivery.body()).doesNotContain(DEMO_TOKEN).doesNotContain(OTHER_TOKEN);
        }
    }

    private static Map<String, Object> person(String subject) {
        return Map.of("subject", subject, "authentication", "jwt");
    }

    @Test
    void eachApprovalStepIsDeliveredOnceSignedNamingItsOperationAndWhoTookIt() {
        String alice = SETUP.idp().member("alice@example.com", "demo");
        String bob = SETUP.idp().member("bob@example.com", "demo");

        // Asked, then approved by another person: it runs.
        String approved = askToDelete(SETUP.platform().completedSnapshot(DEMO_TOKEN, 12345, "hook-approve"), alice);
        assertThat(decide(approved, bob, "approve").status()).isEqualTo(200);
        // Asked, then denied.
        String denied = askToDelete(SETUP.platform().completedSnapshot(DEMO_TOKEN, 12345, "hook-deny"), alice);
        assertThat(decide(denied, bob, "deny").status()).isEqualTo(200);
        // Asked, and no one decides within the other team's 2 s: the job expires it.
        String expired = askToDelete(SETUP.platform().completedSnapshot(OTHER_TOKEN, 23456, "hook-expire"),
                SETUP.idp().member("erin@example.com", "other-team"));

        assertDelivered("/demo", demoSecret, approved, Map.of("approval.requested", person("alice@example.com"),
                "approval.approved", person("bob@example.com")));
        assertDelivered("/demo", demoSecret, denied, Map.of("approval.requested", person("alice@example.com"),
                "approval.denied", person("bob@example.com")));
        assertDelivered("/other", otherSecret, expired, Map.of("approval.requested", person("erin@example.com"),
                "approval.expired", Map.of("subject", "system", "authentication", "system")));
        // A team's receiver hears only its own team's steps.
        synchronized (received) {
            assertThat(received).filteredOn(r -> r.path().equals("/other"))
                    .allSatisfy(r -> assertThat(data(r)).containsEntry("team", "other-team"));
            assertThat(received).filteredOn(r -> r.path().equals("/demo"))
                    .allSatisfy(r -> assertThat(data(r)).containsEntry("team", "demo"));
        }
    }

    /**
     * An instance that stopped between a step's write and its event (ADR 0040): the row carries the event owed, the
     * history lacks it. settle-approvals writes it once, from the row, and it is delivered; an event the history has
     * while its mark stayed is not written again.
     */
    @Test
    void aStepWrittenWhoseEventWasNeverAppendedIsAuditedOnceByTheJobAndDelivered() throws Exception {
        RecoveryOperations operations = SETUP.platform().context.getBean(RecoveryOperations.class);
        Instant asked = Instant.now().minus(Duration.ofMinutes(1)).truncatedTo(ChronoUnit.MICROS);
        RecoveryOperation pending = RecoveryOperation.pendingApproval(OperationId.random(), new TeamId("demo"),
                new RequestId("crashed-ask"), Operation.DELETE_SNAPSHOT, new ServerId(12345),
                ResourceRef.of(new SnapshotId(797)), Optional.empty(),
                Approval.requested(Actor.of("alice@example.com", Actor.Authentication.JWT, "idp-key"), asked,
                        asked.plus(Duration.ofHours(1)), false));
        ApprovalStep step = new ApprovalStep(Operation.REQUEST_APPROVAL, pending.requestId());

        operations.add(pending, step); // and the instance stops: no append

        String operation = pending.id().toString();
        await("settle-approvals writes the owed event").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> requestEvents(operation).size() == 1 && notOwed(operations, pending));
        assertDelivered("/demo", demoSecret, operation, Map.of("approval.requested", person("alice@example.com")));
        assertThat(requestEvents(operation).getFirst().occurredAt()).isEqualTo(asked);

        // The event on record while the mark stayed (its append landed, the instance stopped before the job cleared
        // it): looked up in the history, not written again.
        try (Connection connection = PostgresAdapterFactory.pooled(SETUP.platform().context.getBean(DataSource.class)).getConnection();
             PreparedStatement mark = connection.prepareStatement(
                     "UPDATE recovery_operation SET approval_events_owed = ARRAY['REQUEST_APPROVAL crashed-ask'] WHERE id = ?")) {
            mark.setObject(1, pending.id().value());
            assertThat(mark.executeUpdate()).isEqualTo(1);
        }
        assertThat(SETUP.platform().context.getBean(ApprovalsService.class).writeOwedEvents()).isZero();
        await().atMost(Duration.ofSeconds(20)).until(() -> notOwed(operations, pending));
        assertThat(requestEvents(operation)).hasSize(1);
    }

    private static List<AuditEvent> requestEvents(String operation) {
        return SETUP.platform().audit().query(AuditQuery.latest(100).withOperations(Set.of(Operation.REQUEST_APPROVAL))).stream()
                .map(RecordedAuditEvent::event).filter(e -> operation.equals(e.detail().get(AuditEvent.APPROVAL_OF)))
                .toList();
    }

    private static boolean notOwed(RecoveryOperations operations, RecoveryOperation operation) {
        return operations.owingApprovalEvents(RecoveryOperations.MAX_PAGE).stream()
                .noneMatch(owing -> owing.operation().id().equals(operation.id()));
    }
}
