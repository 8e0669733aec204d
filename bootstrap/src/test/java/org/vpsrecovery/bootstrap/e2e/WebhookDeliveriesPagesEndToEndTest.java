package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.PostgresAdapterFactory;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.simulator.SimulatorOptions;

/**
 * A webhook's delivery log over HTTP on the real PostgreSQL (ADR 0025, session 50): paged by an opaque cursor, newest
 * event first, filtered by state, a bad state or cursor refused with its reason code; and the webhook's own answer
 * shows its deliveries not yet handed to the scheduler. The dispatcher runs once at the start and then not for an hour,
 * so the rows the test writes stay as written.
 */
class WebhookDeliveriesPagesEndToEndTest {

    @RegisterExtension
    static final PlatformOnSimulator SETUP = new PlatformOnSimulator(SimulatorOptions.defaults(), Map.of(
            "vpsr.webhooks.allow-loopback", "true", "vpsr.webhooks.dispatch-every", "1h"));

    static String webhook;
    static String quiet;

    @BeforeAll
    static void logged() throws SQLException {
        webhook = subscribe();
        quiet = subscribe();
        // The dispatcher's first run is at the start; after it, the next is an hour away.
        await("the dispatcher's first run").atMost(Duration.ofSeconds(60)).until(() -> one(
                "SELECT count(*) FROM scheduled_tasks WHERE task_name = 'dispatch-webhooks'"
                        + " AND execution_time > now() + interval '30 minutes'") == 1);
        // Sequences 1-7: 1, 2 and 4 delivered, 3 dead (dispatched); 5, 6 and 7 waiting for the dispatcher, 5 the oldest.
        sql("INSERT INTO webhook_delivery (id, subscription_id, event_type, audit_sequence, body, state, dispatched,"
                + " attempts, created_at) SELECT gen_random_uuid(), '" + webhook + "', 'operation.completed', g, '{}',"
                + " CASE WHEN g = 3 THEN 'dead' WHEN g < 5 THEN 'delivered' ELSE 'pending' END, g < 5,"
                + " CASE WHEN g < 5 THEN 1 ELSE 0 END,"
                + " CASE WHEN g < 5 THEN now() - interval '1 day' ELSE now() - interval '100 seconds' + g * interval '1 s' END"
                + " FROM generate_series(1, 7) g");
    }

    private static String subscribe() {
        Answer created = SETUP.platform().send("POST", "/api/v1/webhooks/", RunningPlatform.DEMO_TOKEN,
                "{\"url\": \"http://127.0.0.1:9/hook\", \"event_types\": [\"operation.completed\"]}");
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        return (String) created.get("id");
    }

    private static DataSource database() {
        return PostgresAdapterFactory.pooled(SETUP.platform().context.getBean(DataSource.class));
    }

    private static void sql(String statement) throws SQLException {
        try (Connection connection = database().getConnection();
             PreparedStatement run = connection.prepareStatement(statement)) {
            run.executeUpdate();
        }
    }

    private static long one(String query) throws SQLException {
        try (Connection connection = database().getConnection();
             PreparedStatement run = connection.prepareStatement(query);
             ResultSet row = run.executeQuery()) {
            row.next();
            return row.getLong(1);
        }
    }

    private static Answer deliveries(String query) {
        return SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/deliveries/" + query,
                RunningPlatform.DEMO_TOKEN, null);
    }

    @SuppressWarnings("unchecked")
    private static List<Integer> sequences(Answer page) {
        assertThat(page.status()).as(page.raw().body()).isEqualTo(200);
        return ((List<Map<String, Object>>) page.get("results")).stream()
                .map(d -> ((Number) d.get("audit_sequence")).intValue()).toList();
    }

    @Test
    void theLogIsPagedNewestFirstByTheCursorItsNextGives() {
        Answer first = deliveries("?limit=3");
        assertThat(sequences(first)).containsExactly(7, 6, 5);
        assertThat(first.get("count")).isEqualTo(3);
        String next = (String) first.get("next");
        assertThat(next).as("opaque, URL-safe").matches("^[A-Za-z0-9_-]{1,64}$");
        Answer second = deliveries("?limit=3&cursor=" + next);
        assertThat(sequences(second)).containsExactly(4, 3, 2);
        Answer last = deliveries("?limit=3&cursor=" + second.get("next"));
        assertThat(sequences(last)).containsExactly(1);
        assertThat(last.body()).containsEntry("next", null);
        Answer whole = deliveries("?limit=7");
        assertThat(sequences(whole)).containsExactly(7, 6, 5, 4, 3, 2, 1);
        assertThat(whole.body()).as("exactly full and the last").containsEntry("next", null);
    }

    @Test
    void aStateKeepsThatStatesDeliveriesPagedTheSameWay() {
        assertThat(sequences(deliveries("?state=dead"))).containsExactly(3);
        assertThat(sequences(deliveries("?state=pending"))).containsExactly(7, 6, 5);
        Answer delivered = deliveries("?state=delivered&limit=2");
        assertThat(sequences(delivered)).containsExactly(4, 2);
        assertThat(sequences(deliveries("?state=delivered&limit=2&cursor=" + delivered.get("next")))).containsExactly(1);
    }

    @Test
    void anUnknownStateABadCursorOrAnUnknownParameterIsRefusedWithItsReason() {
        assertProblem(deliveries("?state=lost"), "INVALID_QUERY_PARAMETER", "state");
        assertProblem(deliveries("?state=DEAD"), "INVALID_QUERY_PARAMETER", "state");
        assertProblem(deliveries("?cursor=soon"), "INVALID_CURSOR", "cursor");
        assertProblem(deliveries("?cursor=YWZ0ZXI6NQ"), "INVALID_CURSOR", "cursor"); // "after:5", no page's next
        assertProblem(deliveries("?status=dead"), "UNKNOWN_QUERY_PARAMETER", "status");
        assertProblem(deliveries("?state=dead&state=pending"), "INVALID_QUERY_PARAMETER", "state");
        assertProblem(deliveries("?limit=501"), "PAGE_SIZE_OUT_OF_RANGE", "limit");
        // Another team's webhook is not found, whatever the parameters.
        Answer theirs = SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/deliveries/?state=dead&limit=1&cursor="
                + deliveries("?limit=1").get("next"), RunningPlatform.OTHER_TOKEN, null);
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.get("reason_code")).isEqualTo("WEBHOOK_NOT_FOUND");
    }

    private static void assertProblem(Answer answer, String reason, String field) {
        assertThat(answer.status()).as(answer.raw().body()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.get("reason_code")).isEqualTo(reason);
        assertThat(answer.get("field")).isEqualTo(field);
    }

    @Test
    void aWebhooksAnswerShowsItsDeliveriesNotYetHandedToTheScheduler() {
        Answer mine = SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(mine.status()).isEqualTo(200);
        assertThat(mine.get("undispatched_deliveries")).isEqualTo(3);
        // The oldest waiting was written 95 s before the database's now, and the database's clock only moves on.
        assertThat(((Number) mine.get("oldest_undispatched_age_seconds")).longValue()).isGreaterThanOrEqualTo(95)
                .isLessThan(86_400);
        Answer none = SETUP.platform().send("GET", "/api/v1/webhooks/" + quiet + "/", RunningPlatform.DEMO_TOKEN, null);
        assertThat(none.body()).containsEntry("undispatched_deliveries", 0).containsEntry("oldest_undispatched_age_seconds", null)
                .doesNotContainKey("secret");
        assertThat(SETUP.platform().send("GET", "/api/v1/webhooks/" + webhook + "/", RunningPlatform.OTHER_TOKEN, null)
                .get("reason_code")).isEqualTo("WEBHOOK_NOT_FOUND");
    }
}
