package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown.StoredRequest;

/**
 * Where a caller reads what a failure points at is the web adapter's to say: the application names the thing (an
 * operation, a change, a policy's version), never a route, and the API's detail adds the route it is read at.
 */
class FacadeProblemsDetailTest {

    private static final OperationId ID = OperationId.random();

    @Test
    void aRequestForApprovalInDoubtIsAnsweredWithTheRouteItIsReadAt() {
        var operation = PlatformOutcomeUnknown.requestForApproval(new StoredRequest(StoredRequest.Kind.OPERATION, ID),
                new IllegalStateException("connection lost at COMMIT"));
        var change = PlatformOutcomeUnknown.requestForApproval(new StoredRequest(StoredRequest.Kind.CHANGE, ID),
                new IllegalStateException("connection lost at COMMIT"));

        assertThat(operation.getMessage()).doesNotContain("/api/");
        assertThat(FacadeProblems.detailOf(operation)).contains("operation " + ID + " may be waiting for approval")
                .contains("(GET /api/v1/operations/" + ID + "/)").endsWith("before asking again");
        assertThat(FacadeProblems.detailOf(change)).contains("change " + ID + " may be waiting for approval")
                .contains("(GET /api/v1/changes/" + ID + "/)");
        assertThat(FacadeProblems.of(operation, "req-1", Clock.systemUTC()).getStatus().getCode()).isEqualTo(504);
    }

    /**
     * A decision whose write lost its answer (PostgreSQL restarting under it) may be stored: 504 PLATFORM_OUTCOME_UNKNOWN
     * without Retry-After, naming what to read. It was a failure of no domain type, 500 INTERNAL_ERROR (session 45).
     */
    @Test
    void aDecisionInDoubtIsAnswered504WithTheRouteItIsReadAtAndNoRetryAfter() {
        var approval = PlatformOutcomeUnknown.decision(new PlatformOutcomeUnknown.StoredDecision(
                new StoredRequest(StoredRequest.Kind.OPERATION, ID), Verdict.APPROVE), new IllegalStateException("08006"));
        var denial = PlatformOutcomeUnknown.decision(new PlatformOutcomeUnknown.StoredDecision(
                new StoredRequest(StoredRequest.Kind.CHANGE, ID), Verdict.DENY), new IllegalStateException("57P01"));

        assertThat(approval.getMessage()).doesNotContain("/api/").contains("operation " + ID + " may be approved");
        assertThat(FacadeProblems.detailOf(approval)).contains("operation " + ID + " may be approved")
                .contains("(GET /api/v1/operations/" + ID + "/)").endsWith("before deciding again");
        assertThat(FacadeProblems.detailOf(denial)).contains("change " + ID + " may be denied")
                .contains("(GET /api/v1/changes/" + ID + "/)");
        var answer = FacadeProblems.of(approval, "req-1", Clock.systemUTC());
        assertThat(answer.getStatus().getCode()).isEqualTo(504);
        assertThat(answer.getHeaders().get("Retry-After")).isNull();
    }

    /**
     * An approved change applied by the approver's request whose end could not be recorded: 504 without Retry-After,
     * saying what was done and where the change is read; it was a 500, or a 503 "try again" (session 46).
     */
    @Test
    void anApprovedChangeWhoseEndIsNotRecordedIsAnswered504SayingWhatWasDoneAndWhereToReadIt() {
        var applied = PlatformOutcomeUnknown.changeEnd(new PlatformOutcomeUnknown.ChangeEnd(
                new StoredRequest(StoredRequest.Kind.CHANGE, ID), true), new IllegalStateException("57P01"));
        var refused = PlatformOutcomeUnknown.changeEnd(new PlatformOutcomeUnknown.ChangeEnd(
                new StoredRequest(StoredRequest.Kind.CHANGE, ID), false), new IllegalStateException("08006"));

        assertThat(applied.getMessage()).doesNotContain("/api/").contains("change " + ID + " was applied");
        assertThat(FacadeProblems.detailOf(applied)).contains("change " + ID + " was applied")
                .contains("may read approved").contains("(GET /api/v1/changes/" + ID + "/)");
        assertThat(FacadeProblems.detailOf(refused)).contains("change " + ID + " was refused when it came to be applied");
        var answer = FacadeProblems.of(applied, "req-1", Clock.systemUTC());
        assertThat(answer.getStatus().getCode()).isEqualTo(504);
        assertThat(answer.getHeaders().get("Retry-After")).isNull();
    }

    /**
     * An approved operation its run found refused, whose end as rejected could not be recorded: 504 without Retry-After,
     * saying it was refused and where it is read; it was a 500 (session 46, closedconn).
     */
    @Test
    void anApprovedOperationRefusedOnRunWhoseEndIsNotRecordedIsAnswered504SayingItWasRefused() {
        var refused = PlatformOutcomeUnknown.changeEnd(new PlatformOutcomeUnknown.ChangeEnd(
                new StoredRequest(StoredRequest.Kind.OPERATION, ID), false), new IllegalStateException("57P01"));

        assertThat(FacadeProblems.detailOf(refused)).contains("operation " + ID + " was refused when it came to run")
                .contains("may read approved").contains("(GET /api/v1/operations/" + ID + "/)");
        var answer = FacadeProblems.of(refused, "req-1", Clock.systemUTC());
        assertThat(answer.getStatus().getCode()).isEqualTo(504);
        assertThat(answer.getHeaders().get("Retry-After")).isNull();
    }

    /**
     * An approved run that started, then met a failure the platform did not expect: VPS.org may have acted, and the
     * approver follows the operation. It was told "no readable answer came from VPS.org ... List the resources before
     * trying again", untrue of the platform's own failure and against "never decide again" (session 48, approvefix).
     */
    @Test
    void anApprovedRunThatStartedThenFailedInThePlatformIsAnswered504SayingFollowTheOperation() {
        var failed = ProviderFailure.platformFailedAfterTheStart("approved operation " + ID + "'s run started, then "
                + "ended in a failure the platform did not expect, so VPS.org may have acted; follow the operation",
                new IllegalStateException("a bug")).ofOperation(ID);

        assertThat(failed.noAnswer()).hasValue(ProviderFailure.NoAnswer.PLATFORM_FAILED_AFTER_THE_START);
        assertThat(failed.operation()).contains(ID);
        assertThat(FacadeProblems.detailOf(failed)).isEqualTo(failed.getMessage()).contains("follow the operation")
                .doesNotContain("no readable answer came from VPS.org").doesNotContain("List the resources");
        var answer = FacadeProblems.of(failed, "req-1", Clock.systemUTC());
        assertThat(answer.getStatus().getCode()).isEqualTo(504);
        assertThat(answer.getBody()).hasValueSatisfying(body -> assertThat(body.reasonCode()).isEqualTo("OUTCOME_UNKNOWN"));
        assertThat(answer.getHeaders().get("Retry-After")).isNull();
    }

    @Test
    void anOutcomeInDoubtWithNothingStoredToReadKeepsItsOwnWords() {
        var unknown = new PlatformOutcomeUnknown("the platform's store failed while adding the webhook subscription; "
                + "list the team's webhooks before trying again", new IllegalStateException("lost"));

        assertThat(FacadeProblems.detailOf(unknown)).isEqualTo(unknown.getMessage());
    }

    @Test
    void aMissingPolicyVersionIsToldHowTheApiNamesIt() {
        var required = new RecoveryDenied(ReasonCode.POLICY_VERSION_REQUIRED,
                "name the version of policy 7 you change: the version its read answered");

        assertThat(FacadeProblems.detailOf(required)).startsWith(required.getMessage()).contains("If-Match")
                .contains("ETag");
    }

    @Test
    void anAlteredEventPointsAtTheChainsVerification() {
        var altered = new AuditEventAltered(42, "a NULL outcome");

        assertThat(altered.getMessage()).doesNotContain("/api/");
        assertThat(FacadeProblems.detailOf(altered)).contains("GET /api/v1/audit/verify/").contains("vpsr audit verify");
    }

    /** A decision on an operation that never waited for approval is a 409 of its own reason (session 51). */
    @Test
    void aDecisionOnAnOperationThatNeverWaitedIsA409ApprovalNotRequired() {
        var refused = new RecoveryDenied(ReasonCode.APPROVAL_NOT_REQUIRED, "operation " + ID + " did not wait for approval");

        var answer = FacadeProblems.of(refused, "req-1", Clock.systemUTC());

        assertThat(answer.getStatus().getCode()).isEqualTo(409);
        assertThat(answer.getBody().orElseThrow().reasonCode()).isEqualTo("APPROVAL_NOT_REQUIRED");
    }
}
