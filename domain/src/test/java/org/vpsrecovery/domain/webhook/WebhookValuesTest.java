package org.vpsrecovery.domain.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

class WebhookValuesTest {

    @Test
    void theSignatureIsTheStandardWebhooksOneForItsPublishedExample() {
        // The example of the Standard Webhooks specification's reference libraries.
        WebhookSecret secret = WebhookSecret.parse("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");

        String signature = WebhookSignature.sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330L,
                "{\"test\": 2432232314}");

        assertThat(signature).isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSecretIsShownOnlyWhenRevealedAndRoundTrips() {
        WebhookSecret secret = WebhookSecret.random();

        assertThat(secret.reveal()).startsWith("whsec_").hasSizeGreaterThan(40);
        assertThat(WebhookSecret.parse(secret.reveal())).isEqualTo(secret);
        assertThat(secret.toString()).doesNotContain(secret.reveal().substring(6));
        assertThat(WebhookSecret.random()).isNotEqualTo(secret);
    }

    @Test
    void aSecretThatIsNotOneIsRefusedWithoutRepeatingIt() {
        assertThatThrownBy(() -> WebhookSecret.parse("nope")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_c2hvcnQ=")).hasMessageNotContaining("c2hvcnQ");
        assertThatThrownBy(() -> WebhookSecret.parse("whsec_***")).isInstanceOf(IllegalArgumentException.class);
    }

    /** A lone surrogate is stored as {@code ?} by PostgreSQL's driver: deliveries would go to another URL than answered. */
    @Test
    void targetsWithALoneSurrogateAreRefusedAndAPairedOneIsKept() {
        assertThatThrownBy(() -> WebhookTarget.parse("http://h/\ud800")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> WebhookTarget.parse("https://example.com/a\udc00b")).isInstanceOf(IllegalArgumentException.class);
        assertThat(WebhookTarget.parse("https://example.com/\ud83d\ude42").uri().toString()).endsWith("\ud83d\ude42");
    }

    @Test
    void targetsAreHttpOrHttpsWithAHostAndNoCredentials() {
        assertThat(WebhookTarget.parse("https://hooks.example.com/vpsr?x=1").host()).isEqualTo("hooks.example.com");
        assertThat(WebhookTarget.parse("http://[2001:4860::8888]:8080/h").host()).isEqualTo("2001:4860::8888");
        for (String bad : new String[] {"ftp://example.com/", "/relative", "https:///nohost",
                "https://user:pass@example.com/", "https://example.com/#frag", "http://example.com:99999/",
                "http://example.com:0/", "not a url", "javascript:alert(1)",
                "https://example.com/" + "a".repeat(WebhookTarget.MAX_LENGTH)}) {
            assertThatThrownBy(() -> WebhookTarget.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void eachOutcomeWorthTellingHasOneEventType() {
        assertThat(typeOf(new Outcome.Accepted())).isEmpty();
        assertThat(typeOf(new Outcome.Submitted())).contains(WebhookEventType.OPERATION_SUBMITTED);
        assertThat(typeOf(new Outcome.Completed())).contains(WebhookEventType.OPERATION_COMPLETED);
        assertThat(typeOf(new Outcome.Failed(ReasonCode.RECOVERY_POINT_FAILED, "failed at VPS.org")))
                .contains(WebhookEventType.OPERATION_FAILED);
        assertThat(typeOf(new Outcome.Unresolved(ReasonCode.PROVIDER_TIMEOUT, "lost")))
                .contains(WebhookEventType.OPERATION_UNRESOLVED);
        assertThat(typeOf(new Outcome.Unverifiable(ReasonCode.TRACKING_DEADLINE_PASSED, "no end")))
                .contains(WebhookEventType.OPERATION_DEADLINE_PASSED);
        assertThat(typeOf(new Outcome.Unverifiable(ReasonCode.OUTCOME_UNKNOWN, "no read")))
                .contains(WebhookEventType.OPERATION_UNVERIFIABLE);
        assertThat(typeOf(new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED)))
                .contains(WebhookEventType.REQUEST_REJECTED);
        // A dry run's refusal (its point not found) refused nothing real: no webhook.
        assertThat(WebhookEventType.of(new AuditEvent(Instant.EPOCH, new TeamId("blue"), new RequestId("r2"),
                Operation.DELETE_SNAPSHOT, Optional.of(new ServerId(1)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_NOT_FOUND), OptionalInt.empty(), Map.of(AuditEvent.DRY_RUN, "true"))))
                .isEmpty();
        assertThat(typeOf(new Outcome.Planned())).isEmpty();
    }

    @Test
    void eachApprovalStepIsSentAsItsOwnTypeAndARefusedDecisionAsARejection() {
        Map<Operation, WebhookEventType> steps = Map.of(Operation.REQUEST_APPROVAL, WebhookEventType.APPROVAL_REQUESTED,
                Operation.APPROVE_OPERATION, WebhookEventType.APPROVAL_APPROVED,
                Operation.DENY_OPERATION, WebhookEventType.APPROVAL_DENIED,
                Operation.EXPIRE_APPROVAL, WebhookEventType.APPROVAL_EXPIRED);
        steps.forEach((step, type) -> assertThat(WebhookEventType.of(new AuditEvent(Instant.EPOCH, new TeamId("blue"),
                new RequestId("r3"), step, Optional.of(new ServerId(1)), Optional.empty(), new Outcome.Completed(),
                OptionalInt.empty(), Map.of(AuditEvent.APPROVAL_OF, "op")))).contains(type));
        assertThat(WebhookEventType.of(new AuditEvent(Instant.EPOCH, new TeamId("blue"), new RequestId("r4"),
                Operation.APPROVE_OPERATION, Optional.of(new ServerId(1)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.SELF_APPROVAL_REFUSED), OptionalInt.empty(), Map.of())))
                .contains(WebhookEventType.REQUEST_REJECTED);
    }

    @Test
    void wireNamesRoundTripAndUnknownOnesAreRefused() {
        for (WebhookEventType type : WebhookEventType.values()) {
            assertThat(WebhookEventType.fromWire(type.wireName())).isEqualTo(type);
        }
        assertThatThrownBy(() -> WebhookEventType.fromWire("operation.anything"))
                .hasMessageContaining("operation.completed");
    }

    @Test
    void aSubscriptionNamesAtLeastOneEventType() {
        assertThatThrownBy(() -> new WebhookSubscription(WebhookSubscriptionId.random(), new TeamId("blue"),
                WebhookTarget.parse("https://example.com/"), Set.of(), Instant.EPOCH))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theMessageIdIsStableAndPrefixed() {
        WebhookDeliveryId id = WebhookDeliveryId.parse("0b6f7a2e-1c3d-4e5f-8a9b-0c1d2e3f4a5b");
        assertThat(id.messageId()).isEqualTo("msg_0b6f7a2e1c3d4e5f8a9b0c1d2e3f4a5b");
    }

    private static Optional<WebhookEventType> typeOf(Outcome outcome) {
        return WebhookEventType.of(new AuditEvent(Instant.EPOCH, new TeamId("blue"), new RequestId("r1"),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(1)), Optional.empty(), outcome, OptionalInt.empty(),
                Map.of()));
    }
}
