package org.vpsrecovery.domain.port;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.approval.Verdict;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * The platform's own store failed while committing the change (a connection lost at COMMIT): the change may have
 * been done. Not a {@link PlatformUnavailable}, whose meaning is "nothing was done, try again": a retry as told could
 * make a second of it. The caller looks (lists, reads) before trying again; no Retry-After (ADR 0023, amended in
 * session 44).
 */
public final class PlatformOutcomeUnknown extends RecoveryException {

    /**
     * A request for approval whose insert may have committed, named so that each inbound adapter can say where its
     * caller reads it (a route is the web adapter's to know, not the application's).
     */
    public record StoredRequest(Kind kind, OperationId id) {

        /** An operation on VPS.org waiting for approval, or a change to the platform's own settings. */
        public enum Kind { OPERATION, CHANGE }

        public StoredRequest {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(id, "id");
        }

        String described() {
            return (kind == Kind.OPERATION ? "operation " : "change ") + id;
        }
    }

    /**
     * A decision on a request for approval whose write may have committed (session 45): the request may be decided,
     * its step's event owed with it for the settle job, and an approved operation run by that job.
     */
    public record StoredDecision(StoredRequest request, Verdict verdict) {

        public StoredDecision {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(verdict, "verdict");
        }

        /** What the request may now be: {@code approved} or {@code denied}. */
        public String mayBe() {
            return verdict == Verdict.APPROVE ? "approved" : "denied";
        }
    }

    /**
     * An approved change the approver's request applied, or found refused when it came to be applied, whose end could
     * not be recorded (session 46): the change's record may still read approved until the settle job records its end.
     * Also an approved operation its run found refused ({@code applied} false, of {@link StoredRequest.Kind#OPERATION}),
     * whose end as rejected could not be recorded.
     */
    public record ChangeEnd(StoredRequest request, boolean applied) {

        public ChangeEnd {
            Objects.requireNonNull(request, "request");
        }

        /**
         * What this request did of it: {@code was applied}, or {@code was refused when it came to be applied}; of an
         * operation, {@code ran}, or {@code was refused when it came to run}.
         */
        public String what() {
            if (request.kind() == StoredRequest.Kind.OPERATION) {
                return applied ? "ran" : "was refused when it came to run";
            }
            return applied ? "was applied" : "was refused when it came to be applied";
        }
    }

    private final StoredRequest storedRequest;
    private final StoredDecision storedDecision;
    private final ChangeEnd changeEnd;

    public PlatformOutcomeUnknown(String message, Throwable cause) {
        this(message, null, null, null, cause);
    }

    private PlatformOutcomeUnknown(String message, StoredRequest storedRequest, StoredDecision storedDecision,
                                   ChangeEnd changeEnd, Throwable cause) {
        super(ReasonCode.PLATFORM_OUTCOME_UNKNOWN, message, cause);
        this.storedRequest = storedRequest;
        this.storedDecision = storedDecision;
        this.changeEnd = changeEnd;
    }

    /** The insert of {@code request} may have committed: the caller reads it before asking again. */
    public static PlatformOutcomeUnknown requestForApproval(StoredRequest request, Throwable cause) {
        Objects.requireNonNull(request, "request");
        return new PlatformOutcomeUnknown("the platform's store failed while storing the request for approval, so "
                + request.described() + " may be waiting for approval; read it before asking again",
                request, null, null, cause);
    }

    /** The write of {@code decision} may have committed: the caller reads the request before deciding again. */
    public static PlatformOutcomeUnknown decision(StoredDecision decision, Throwable cause) {
        Objects.requireNonNull(decision, "decision");
        return new PlatformOutcomeUnknown("the platform's store failed while storing the decision, so "
                + decision.request().described() + " may be " + decision.mayBe() + "; read it before deciding again",
                null, decision, null, cause);
    }

    /** The end of an approved change, applied or refused, may not be recorded: the caller reads the change. */
    public static PlatformOutcomeUnknown changeEnd(ChangeEnd end, Throwable cause) {
        Objects.requireNonNull(end, "end");
        return new PlatformOutcomeUnknown(end.request().described() + " " + end.what() + ", but the platform's store "
                + "failed while recording that, so it may read approved until the settle-approvals job records how it "
                + "ended; read it before acting on it again", null, null, end, cause);
    }

    /** The request for approval that may be stored, when that is what is in doubt. */
    public Optional<StoredRequest> storedRequest() {
        return Optional.ofNullable(storedRequest);
    }

    /** The decision that may be stored, when that is what is in doubt. */
    public Optional<StoredDecision> storedDecision() {
        return Optional.ofNullable(storedDecision);
    }

    /** The approved change whose end may not be recorded, when that is what is in doubt. */
    public Optional<ChangeEnd> changeEnd() {
        return Optional.ofNullable(changeEnd);
    }
}
