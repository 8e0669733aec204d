package org.vpsrecovery.adapters.http.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/** The Standard Webhooks message the outbox stores and the deliverer signs (ADR 0025). */
class StandardWebhooksFormatTest {

    private final StandardWebhooksFormat format = new StandardWebhooksFormat();

    @Test
    void aCompletedEventIsTheTypeTheTimeAndTheEventsPublicFactsInAFixedOrder() {
        RecordedAuditEvent recorded = new RecordedAuditEvent(42, new AuditEvent(
                Instant.parse("2026-11-30T12:00:00.123456Z"), new TeamId("blue"), new RequestId("req-blue"),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(12345)), Optional.of(ResourceRef.of(new SnapshotId(802))),
                new Outcome.Completed(), OptionalInt.of(201), Map.of("attempt_id", "0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b")));

        assertThat(format.body(WebhookEventType.OPERATION_COMPLETED, recorded)).isEqualTo("""
                {"type":"operation.completed","timestamp":"2026-11-30T12:00:00.123456Z","data":{\
                "audit_sequence":42,"team":"blue","request_id":"req-blue",\
                "operation_id":"0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b","operation":"create_snapshot",\
                "server_id":12345,"resource":{"type":"snapshot","id":802},"outcome":"COMPLETED",\
                "provider_status":201}}""");
    }

    @Test
    void anApprovalStepNamesItsOperationAndWhoTookItButNeverATokenOrKeyId() {
        RecordedAuditEvent recorded = new RecordedAuditEvent(9, new AuditEvent(
                Instant.parse("2026-11-30T12:00:00Z"), new TeamId("blue"), new RequestId("req-bob"),
                Operation.APPROVE_OPERATION, Optional.of(new ServerId(12345)), Optional.of(ResourceRef.of(new SnapshotId(801))),
                new Outcome.Completed(), OptionalInt.empty(), Map.of(AuditEvent.APPROVAL_OF,
                "0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b", Actor.SUBJECT, "bob@example.com", Actor.AUTHENTICATION, "jwt",
                Actor.KEY_ID, "idp-key-1")));

        assertThat(format.body(WebhookEventType.APPROVAL_APPROVED, recorded)).isEqualTo("""
                {"type":"approval.approved","timestamp":"2026-11-30T12:00:00Z","data":{"audit_sequence":9,\
                "team":"blue","request_id":"req-bob","operation_id":"0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",\
                "operation":"approve_operation","server_id":12345,"resource":{"type":"snapshot","id":801},\
                "outcome":"COMPLETED","actor":{"subject":"bob@example.com","authentication":"jwt"}}}""");
    }

    /**
     * Review of session 51: a request to delete and one to restore without its safety snapshot sent approvers the same
     * message; the step's kind, its safety-snapshot choice and a change's hold or policy now travel in {@code data}.
     */
    @Test
    void anApprovalRequestSaysWhatItAsksForAndAChangeWhichHoldOrPolicyItTouches() {
        Map<String, String> restore = new java.util.LinkedHashMap<>();
        restore.put(AuditEvent.APPROVAL_OF, "0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b");
        restore.put(AuditEvent.APPROVAL_KIND, "restore_snapshot");
        restore.put(AuditEvent.SKIP_SAFETY_SNAPSHOT, "true");
        RecordedAuditEvent asked = new RecordedAuditEvent(10, new AuditEvent(Instant.parse("2026-11-30T12:00:00Z"),
                new TeamId("blue"), new RequestId("req-alice"), Operation.REQUEST_APPROVAL,
                Optional.of(new ServerId(12345)), Optional.of(ResourceRef.of(new SnapshotId(801))), new Outcome.Completed(),
                OptionalInt.empty(), restore));
        Map<String, String> change = new java.util.LinkedHashMap<>();
        change.put(AuditEvent.APPROVAL_OF, "1c7f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b");
        change.put(AuditEvent.CHANGE_KIND, "update_policy");
        change.put(AuditEvent.POLICY_ID, "2d8f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b");
        change.put(AuditEvent.POLICY_VERSION, "3");
        RecordedAuditEvent denied = new RecordedAuditEvent(11, new AuditEvent(Instant.parse("2026-11-30T12:00:01Z"),
                new TeamId("blue"), new RequestId("req-bob"), Operation.DENY_OPERATION, Optional.empty(), Optional.empty(),
                new Outcome.Completed(), OptionalInt.empty(), change));

        assertThat(format.body(WebhookEventType.APPROVAL_REQUESTED, asked)).isEqualTo("""
                {"type":"approval.requested","timestamp":"2026-11-30T12:00:00Z","data":{"audit_sequence":10,\
                "team":"blue","request_id":"req-alice","operation_id":"0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",\
                "operation":"request_approval","server_id":12345,"resource":{"type":"snapshot","id":801},\
                "outcome":"COMPLETED","approval_kind":"restore_snapshot","skip_safety_snapshot":true}}""");
        assertThat(format.body(WebhookEventType.APPROVAL_DENIED, denied)).isEqualTo("""
                {"type":"approval.denied","timestamp":"2026-11-30T12:00:01Z","data":{"audit_sequence":11,\
                "team":"blue","request_id":"req-bob","operation_id":"1c7f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b",\
                "operation":"deny_operation","outcome":"COMPLETED","change_kind":"update_policy",\
                "policy_id":"2d8f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b","policy_version":3}}""");
    }

    @Test
    void aFailureCarriesItsReasonAndMessageAndNothingAbsent() {
        RecordedAuditEvent recorded = new RecordedAuditEvent(7, new AuditEvent(
                Instant.parse("2026-11-30T12:00:00Z"), new TeamId("red"), new RequestId("req-red"),
                Operation.DELETE_BACKUP, Optional.empty(), Optional.empty(),
                new Outcome.Failed(ReasonCode.PROVIDER_REJECTED, "refused \"now\""), OptionalInt.empty(), Map.of()));

        assertThat(format.body(WebhookEventType.OPERATION_FAILED, recorded)).isEqualTo("""
                {"type":"operation.failed","timestamp":"2026-11-30T12:00:00Z","data":{"audit_sequence":7,\
                "team":"red","request_id":"req-red","operation":"delete_backup","outcome":"FAILED",\
                "reason_code":"PROVIDER_REJECTED","message":"refused \\"now\\""}}""");
    }
}
