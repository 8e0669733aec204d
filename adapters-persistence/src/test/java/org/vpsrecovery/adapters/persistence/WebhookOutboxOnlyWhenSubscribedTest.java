package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.adapters.persistence.testing.FreshDatabase;
import org.vpsrecovery.adapters.persistence.webhook.WebhookOutbox;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.PlainTextWebhookFormat;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * A batch of audit events no webhook subscription wants asks the message format for nothing and writes no
 * delivery (ADR 0089: a refusal's append is then the chained insert and its commit); once its team subscribes to
 * the type, the next batch gets its deliveries as before.
 */
class WebhookOutboxOnlyWhenSubscribedTest {

    @RegisterExtension
    static final FreshDatabase DATABASE = FreshDatabase.migrated();

    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId RED = new TeamId("red");

    /** The plain-text format, counting the message texts it was asked for. */
    private static final class CountedFormat implements WebhookMessageFormat {
        private final PlainTextWebhookFormat format = new PlainTextWebhookFormat();
        private final List<Long> asked = new ArrayList<>();

        @Override
        public String body(WebhookEventType type, RecordedAuditEvent recorded) {
            asked.add(recorded.sequence());
            return format.body(type, recorded);
        }
    }

    @Test
    void aBatchNobodySubscribedToFormatsNoMessageAndWritesNoDelivery() throws SQLException {
        CountedFormat format = new CountedFormat();
        ChainedAuditWriter writer = new ChainedAuditWriter(DATABASE.dataSource(), new WebhookOutbox(format));

        writer.write(List.of(refusal(BLUE), refusal(BLUE)));
        assertThat(format.asked).as("no subscription at all").isEmpty();

        sql("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at) "
                + "VALUES (gen_random_uuid(), 'red', 'https://hooks.example.com/red', 'request.rejected', 'whsec_c2VjcmV0', now())");
        writer.write(List.of(refusal(BLUE)));
        assertThat(format.asked).as("another team's subscription").isEmpty();

        sql("INSERT INTO webhook_subscription (id, team, target_url, event_types, secret, created_at) "
                + "VALUES (gen_random_uuid(), 'blue', 'https://hooks.example.com/blue', 'operation.completed', 'whsec_c2VjcmV0', now())");
        writer.write(List.of(refusal(BLUE)));
        assertThat(format.asked).as("the team's subscription to another type").isEmpty();
        assertThat(deliveries()).isZero();

        List<RecordedAuditEvent> written = writer.write(List.of(refusal(RED), refusal(BLUE)));
        // A batch someone wants goes the outbox's way as before: each event's text, a delivery where subscribed.
        assertThat(format.asked).as("red subscribed to refusals")
                .containsExactly(written.get(0).sequence(), written.get(1).sequence());
        assertThat(deliveries()).isEqualTo(1);
    }

    private static AuditEvent refusal(TeamId team) {
        return AuditChain.asStored(new AuditEvent(Instant.now(), team, new RequestId("req-" + team.value()),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalInt.empty(), Map.of()));
    }

    private static long deliveries() throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM webhook_delivery")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void sql(String statement) throws SQLException {
        try (Connection connection = DATABASE.dataSource().getConnection(); Statement s = connection.createStatement()) {
            s.execute(statement);
        }
    }
}
