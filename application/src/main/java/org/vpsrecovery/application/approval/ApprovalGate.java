package org.vpsrecovery.application.approval;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.application.attempt.AuditedAttempts;
import org.vpsrecovery.application.attempt.CallContext;
import org.vpsrecovery.application.attempt.OwnStoreWrites;
import org.vpsrecovery.domain.approval.Approval;
import org.vpsrecovery.domain.approval.ApprovalStep;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.Decision;
import org.vpsrecovery.domain.operation.RecoveryOperation;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown.StoredRequest.Kind;
import org.vpsrecovery.domain.port.RecoveryOperations;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The request side of two-person approval (ADR 0040): whether a request waits for a second person, and,
 * when it does, the request checked as the real call would check it (under the same lock; a refusal is
 * refused now, audited {@code REJECTED}), then stored {@code pending_approval} and audited
 * {@code REQUEST_APPROVAL}. VPS.org is not asked.
 */
public final class ApprovalGate {

    private final ApprovalSettings settings;
    private final AuditedAttempts attempts;
    private final RecoveryOperations operations;
    private final AuditWriter writer;
    private final Clock clock;

    public ApprovalGate(ApprovalSettings settings, AuditedAttempts attempts, RecoveryOperations operations,
                        AuditWriter writer, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.attempts = Objects.requireNonNull(attempts, "attempts");
        this.operations = Objects.requireNonNull(operations, "operations");
        this.writer = Objects.requireNonNull(writer, "writer");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** No request waits: the behaviour before ADR 0040. */
    public static ApprovalGate none(AuditedAttempts attempts, RecoveryOperations operations, AuditWriter writer, Clock clock) {
        return new ApprovalGate(ApprovalSettings.none(), attempts, operations, writer, clock);
    }

    /**
     * Whether this request waits for approval: the team's setting names its kind, a caller asks (never the
     * platform's own work), and it is not the approved run itself. Only a person may then ask
     * ({@link #requirePersonAsking}).
     */
    public boolean applies(CallContext context, Operation kind) {
        return settings.timeLimit(context.team(), kind).isPresent()
                && context.actor().authentication() != Actor.Authentication.SYSTEM
                && attempts.approvedRun(context.operationId()).isEmpty();
    }

    /**
     * The rule for asking for any change that waits for approval ({@link Approval#requirePersonAsking}): a person
     * signed in through the identity provider, never a service token. Called first, before anything is looked up or
     * asked of VPS.org; a refusal ({@code 403 APPROVAL_NEEDS_A_PERSON}) is audited {@code REJECTED} on the attempt.
     */
    public void requirePersonAsking(AuditedAttempts.Attempt attempt, CallContext context) {
        try {
            Approval.requirePersonAsking(context.actor());
        } catch (AccessDenied refused) {
            throw attempt.refuse(refused);
        }
    }

    /**
     * Under the attempt's lock(s): {@code check} (the kind's policies, as the real call applies them), then
     * the operation stored waiting for approval, and its {@code REQUEST_APPROVAL} event.
     */
    public RecoveryOperation hold(AuditedAttempts.Attempt attempt, CallContext context, Operation kind, ServerId server,
                                  ResourceRef resource, Optional<ServerId> resourceServer, boolean skipSafetySnapshot,
                                  Supplier<Decision> check) {
        Duration limit = settings.timeLimit(context.team(), kind)
                .orElseThrow(() -> new IllegalStateException(kind + " needs no approval for team " + context.team()));
        return attempt.runChecked(check, () -> {
            // To the microsecond, as the history and the row keep it: the settle job's event made from the row is
            // then this very event, never a second REQUEST_APPROVAL.
            Instant now = AuditChain.storedInstant(clock.instant());
            RecoveryOperation pending = RecoveryOperation.pendingApproval(context.operationId(), context.team(),
                    context.requestId(), kind, server, resource, resourceServer,
                    Approval.requested(context.actor(), now, now.plus(limit), skipSafetySnapshot));
            ApprovalStep asked = new ApprovalStep(Operation.REQUEST_APPROVAL, context.requestId());
            // The store's own "nothing was done" (no connection, a lock not granted) passes as it is: REJECTED on the
            // way out of the lock, and a retry asks again. Any other failure may follow a commit whose answer was lost:
            // not "try again" (a second request), nor REJECTED, which a stored request would belie. Nothing is written
            // here, as nothing is known: a stored row's REQUEST_APPROVAL is owed with it, and the settle job writes it
            // (ADR 0023, amended in session 44 after review). Not a refusal, so the lock's way out writes nothing either.
            OwnStoreWrites.committedOrInDoubt(() -> operations.add(pending, asked),
                    inDoubt -> PlatformOutcomeUnknown.requestForApproval(
                            new PlatformOutcomeUnknown.StoredRequest(Kind.OPERATION, pending.id()), inDoubt));
            ApprovalStepEvents.appendOrLeaveOwed(writer, ApprovalEvents.of(pending, asked));
            return pending;
        });
    }
}
