package org.vpsrecovery.domain.port;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * The provider could not do what was asked, in one of a few known ways. Thrown by the provider
 * ports; the message is written by the adapter and never carries the provider token. Which of the
 * provider's answers is which kind is the adapter's to say (docs/vpsorg-api.md, ADR 0010).
 */
public final class ProviderFailure extends RecoveryException {

    public enum Kind {
        /** The provider refused: invalid parameters, or a state it does not allow. */
        REJECTED(ReasonCode.PROVIDER_REJECTED),
        /** The provider refused because one of its limits is reached. */
        LIMIT_REACHED(ReasonCode.PROVIDER_LIMIT_REACHED),
        /** The provider does not know the server, snapshot or backup. */
        NOT_FOUND(ReasonCode.PROVIDER_NOT_FOUND),
        /** The provider does not accept the platform's own credentials: an operator problem. */
        UNAUTHORIZED(ReasonCode.PROVIDER_UNAUTHORIZED),
        /** The provider asks the platform to slow down ({@link ProviderFailure#retryAfter()}). */
        RATE_LIMITED(ReasonCode.PROVIDER_RATE_LIMITED),
        /** The provider failed or could not be reached, or calls to it are held back (circuit open). */
        UNAVAILABLE(ReasonCode.PROVIDER_UNAVAILABLE),
        /** A safe call (a read) timed out. */
        TIMEOUT(ReasonCode.PROVIDER_TIMEOUT),
        /** A create, restore or delete whose answer was lost: it may or may not have happened. */
        OUTCOME_UNKNOWN(ReasonCode.OUTCOME_UNKNOWN),
        /** An answer the adapter could not read. */
        MALFORMED_RESPONSE(ReasonCode.PROVIDER_MALFORMED_RESPONSE);

        private final ReasonCode reason;

        Kind(ReasonCode reason) {
            this.reason = reason;
        }

        public ReasonCode reason() {
            return reason;
        }
    }

    /**
     * Why a request that may have reached the provider got no answer, where the adapter can tell it by the failure's
     * type or its own state (ADR 0010, amended in session 46): the caller and the on-call engineer look at different
     * things for each (timeouts against the network or the provider's side).
     */
    public enum NoAnswer {
        /** No answer within the time the platform waits for one (the read timeout). */
        TIMED_OUT,
        /** The connection was dropped (closed or reset by the other end, or a box between) before an answer came. */
        CONNECTION_DROPPED,
        /** The platform closed its own client while the answer was awaited (the instance was stopping). */
        CLIENT_CLOSED,
        /**
         * The platform's own failure after a run had started (its intent on record, VPS.org possibly asked): no answer
         * will be reported, and the failure's message, not VPS.org's silence, says what to do ({@link
         * ProviderFailure#platformFailedAfterTheStart}).
         */
        PLATFORM_FAILED_AFTER_THE_START
    }

    /**
     * Why a call (or its last try) never left the platform: facts, which the inbound adapter words for the caller
     * (ADR 0010, amended in session 53). Each comes with its kind: a hold after VPS.org's 429 is rate limited, the rest
     * unavailable.
     */
    public enum NotSent {
        /** VPS.org's 429 holds the platform's calls back; {@link ProviderFailure#retryAfter()} is the wait left. */
        HELD_BACK_BY_RATE_LIMIT(Kind.RATE_LIMITED),
        /** VPS.org failed repeatedly, so calls to it are refused (circuit open); the wait left is the Retry-After. */
        CIRCUIT_OPEN(Kind.UNAVAILABLE),
        /** No connection to VPS.org could be made (refused, no such host, the connect timed out). */
        NO_CONNECTION(Kind.UNAVAILABLE),
        /** Every connection to VPS.org was busy with slow calls. */
        NO_FREE_CONNECTION(Kind.UNAVAILABLE),
        /** Too little of the request's time was left for a call to end within it. */
        OUT_OF_REQUEST_TIME(Kind.UNAVAILABLE),
        /** This instance's VPS.org client is closed (the instance is stopping). */
        CLIENT_CLOSED(Kind.UNAVAILABLE);

        private final Kind kind;

        NotSent(Kind kind) {
            this.kind = kind;
        }

        public Kind kind() {
            return kind;
        }
    }

    /**
     * Why a list of VPS.org's was given up without a final answer, "try later" ({@link Kind#UNAVAILABLE}, no code of
     * VPS.org's): facts, which the inbound adapter words for the caller, since "VPS.org could not be reached" is untrue
     * of each (ADR 0010, amended in session 55).
     */
    public enum ListGivenUp {
        /** VPS.org answered every read, inconsistently (its pages short of their count, or changing) at each one. */
        INCONSISTENT,
        /** VPS.org answered in several pages, not each with its {@code count}: nothing showed the list whole. */
        PAGES_WITHOUT_COUNT,
        /** The list's pages were not all read within the time the platform gives one list ({@code vpsorg.list-deadline}). */
        OUT_OF_LIST_TIME
    }

    private final Kind kind;
    private final Integer providerStatus;
    private final Duration retryAfter;
    private final boolean answered;
    private final OperationId operation;
    private final NoAnswer noAnswer;
    private final boolean passingState;
    private final NotSent lastTryNotSent;
    private final boolean earlierTrySent;
    private final ListGivenUp listGivenUp;

    public ProviderFailure(Kind kind, String message, OptionalInt providerStatus, Optional<Duration> retryAfter,
                           Throwable cause) {
        this(kind, message, providerStatus, retryAfter, cause, providerStatus.isPresent(), null, null, false, null,
                false, null);
    }

    public ProviderFailure(Kind kind, String message) {
        this(kind, message, OptionalInt.empty(), Optional.empty(), null);
    }

    private ProviderFailure(Kind kind, String message, OptionalInt providerStatus, Optional<Duration> retryAfter,
                            Throwable cause, boolean answered, OperationId operation, NoAnswer noAnswer,
                            boolean passingState, NotSent lastTryNotSent, boolean earlierTrySent,
                            ListGivenUp listGivenUp) {
        super(Objects.requireNonNull(kind, "kind").reason(), message, cause);
        if (listGivenUp != null && (kind != Kind.UNAVAILABLE || providerStatus.isPresent() || noAnswer != null
                || lastTryNotSent != null)) {
            throw new IllegalArgumentException("a list given up is unavailable, with no code, no reason no answer came, "
                    + "and sent");
        }
        if (lastTryNotSent != null && (answered || noAnswer != null || kind != lastTryNotSent.kind())) {
            throw new IllegalArgumentException("a call never sent has no answer, no reason one did not come, and the "
                    + "kind its reason comes with");
        }
        if (earlierTrySent && lastTryNotSent == null) {
            throw new IllegalArgumentException("only a call whose last try was not sent says an earlier one was");
        }
        if (noAnswer != null && answered) {
            throw new IllegalArgumentException("a failure with an answer cannot say why none came");
        }
        if (passingState && (!answered || (kind != Kind.REJECTED && kind != Kind.LIMIT_REACHED))) {
            throw new IllegalArgumentException("only a refusal the provider answered speaks of a passing state");
        }
        this.kind = kind;
        this.providerStatus = providerStatus.isPresent() ? providerStatus.getAsInt() : null;
        this.retryAfter = retryAfter.orElse(null);
        this.answered = answered;
        this.operation = operation;
        this.noAnswer = noAnswer;
        this.passingState = passingState;
        this.lastTryNotSent = lastTryNotSent;
        this.earlierTrySent = earlierTrySent;
        this.listGivenUp = listGivenUp;
    }

    /**
     * A call that never left the platform, for the reason {@code why} (its kind is the reason's): certainly not done.
     * {@code message} is the operator's text, for the log line; the caller is told in the inbound adapter's words for
     * {@code why}, which name none of the platform's settings nor VPS.org's address (ADR 0010, amended in session 53).
     */
    public static ProviderFailure neverSent(NotSent why, String message, Optional<Duration> retryAfter,
                                            Throwable cause) {
        if ((why == NotSent.HELD_BACK_BY_RATE_LIMIT || why == NotSent.CIRCUIT_OPEN) && retryAfter.isEmpty()) {
            throw new IllegalArgumentException("a hold and an open circuit say how long they last");
        }
        return new ProviderFailure(Objects.requireNonNull(why, "why not sent").kind(), message, OptionalInt.empty(),
                retryAfter, cause, false, null, null, false, why, false, null);
    }

    /**
     * A refusal ({@link Kind#REJECTED}, {@link Kind#LIMIT_REACHED}) whose words speak of a state that passes by itself
     * (the server restoring or busy, a point being made, an operation in progress): "not now", though it came with no
     * Retry-After, so never {@link #refusedForGood}. Which words say so is the adapter's to know (ADR 0010, amended in
     * session 50).
     */
    public static ProviderFailure refusedInAPassingState(Kind kind, String message, OptionalInt providerStatus) {
        return new ProviderFailure(kind, message, providerStatus, Optional.empty(), null, providerStatus.isPresent(),
                null, null, true, null, false, null);
    }

    /** A failure of a request that got no answer, for the reason {@code why} (ADR 0010, amended in session 46). */
    public static ProviderFailure withoutAnswer(Kind kind, NoAnswer why, String message, Throwable cause) {
        return new ProviderFailure(kind, message, OptionalInt.empty(), Optional.empty(), cause, false, null,
                Objects.requireNonNull(why, "why no answer came"), false, null, false, null);
    }

    /**
     * An outcome unknown of the platform's own making: a run that had started (its intent on record, VPS.org possibly
     * asked) ended in a failure the platform did not expect, so VPS.org may have acted. {@code message} says so and
     * what to do, and is what the caller is told: not "no readable answer came from VPS.org", which would blame VPS.org
     * and send the caller to list and ask again (ADR 0040, amended in session 48). Why no answer is reported:
     * {@link NoAnswer#PLATFORM_FAILED_AFTER_THE_START}.
     */
    public static ProviderFailure platformFailedAfterTheStart(String message, Throwable cause) {
        return withoutAnswer(Kind.OUTCOME_UNKNOWN, NoAnswer.PLATFORM_FAILED_AFTER_THE_START, message, cause);
    }

    /**
     * A failure read from an answer the provider did give, whose code only the adapter knew: the application's check
     * of an adapter's answer (a create answered with another server) says so, not "no answer came" (ADR 0010, amended
     * in session 40).
     */
    public static ProviderFailure ofAnAnswer(Kind kind, String message) {
        return new ProviderFailure(kind, message, OptionalInt.empty(), Optional.empty(), null, true, null, null, false,
                null, false, null);
    }

    /**
     * A list given up "try later" for the reason {@code why} ({@link Kind#UNAVAILABLE}): answered unless it ran out of
     * its time, where the pages read may have been none. {@code message} is the operator's text, for the log and the
     * audit; the caller is told in the inbound adapter's words for {@code why} (ADR 0010, amended in session 55).
     */
    public static ProviderFailure listGivenUp(ListGivenUp why, String message, Throwable cause) {
        return new ProviderFailure(Kind.UNAVAILABLE, message, OptionalInt.empty(), Optional.empty(), cause,
                Objects.requireNonNull(why, "why the list was given up") != ListGivenUp.OUT_OF_LIST_TIME, null, null,
                false, null, false, why);
    }

    public Kind kind() {
        return kind;
    }

    /** Whether the provider may have acted although no answer says so; only looking at it settles that. */
    public boolean outcomeUnknown() {
        return kind == Kind.OUTCOME_UNKNOWN;
    }

    /**
     * The provider's answer code, as the adapter reports it (for VPS.org, the HTTP status); empty when
     * no answer came, or where the failure was drawn from an answer whose code only the adapter knew
     * ({@link #answered()}). Recorded in the audit as the event's provider status; the domain does not read it.
     */
    public OptionalInt providerStatus() {
        return providerStatus == null ? OptionalInt.empty() : OptionalInt.of(providerStatus);
    }

    /**
     * Whether the provider answered with a refusal that asking again the same way will not change: a refusal of the
     * request ({@link Kind#REJECTED}, {@link Kind#LIMIT_REACHED}: a 4xx other than 401/403/404/408/410/425/429) with no
     * Retry-After, whose words speak of no passing state ({@link #inAPassingState}, session 50). Not the "try later"
     * failures (rate limited, unavailable, timed out), an unknown outcome, a point the provider does not know (it is
     * gone), nor the platform's own credentials refused (ADR 0029, amended in session 49).
     */
    public boolean refusedForGood() {
        return (kind == Kind.REJECTED || kind == Kind.LIMIT_REACHED) && answered && retryAfter == null && !passingState;
    }

    /** Whether the provider's refusal spoke of a state that passes by itself ({@link #refusedInAPassingState}). */
    public boolean inAPassingState() {
        return passingState;
    }

    /** Whether the provider answered (its code known or not); false when no answer came. */
    public boolean answered() {
        return answered;
    }

    /** Why no answer came, where the adapter knows; empty when one came, or when nothing better than "none" is known. */
    public Optional<NoAnswer> noAnswer() {
        return Optional.ofNullable(noAnswer);
    }

    /** Why a list was given up "try later" ({@link #listGivenUp}); empty for any other failure. */
    public Optional<ListGivenUp> listGivenUp() {
        return Optional.ofNullable(listGivenUp);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /**
     * This failure as the answer to the call of {@code operation}, which was stored with its intent on record before
     * the call: the caller may follow it (X-Operation-Id), and the facade says so without asking the platform's
     * database again, which may be the very thing out of reach (ADR 0023, amended in session 40).
     */
    public ProviderFailure ofOperation(OperationId operation) {
        return copy(Objects.requireNonNull(operation, "operation"), earlierTrySent);
    }

    /**
     * This failure of a call's last try, never sent, when an earlier try (or page) of the same call was sent: the call
     * as a whole was sent, so it is no longer {@link #neverSent()}, though why its last try was not stays known
     * ({@link #lastTryNotSent()}), and the caller is not told that nothing was sent (ADR 0010, amended in session 53).
     * A failure whose last try was sent is returned as it is.
     */
    public ProviderFailure afterAnEarlierTryWasSent() {
        return lastTryNotSent != null ? copy(operation, true) : this;
    }

    private ProviderFailure copy(OperationId operation, boolean earlierTrySent) {
        ProviderFailure of = new ProviderFailure(kind, getMessage(), providerStatus(), retryAfter(), getCause(), answered,
                operation, noAnswer, passingState, lastTryNotSent, earlierTrySent, listGivenUp);
        of.setStackTrace(getStackTrace());
        for (Throwable suppressed : getSuppressed()) {
            of.addSuppressed(suppressed);
        }
        return of;
    }

    /**
     * Whether the call never left the platform ({@link #neverSent(NotSent, String, Optional, Throwable)}): VPS.org was
     * not asked, so nothing was done, and the audit says "not sent" rather than a failure at VPS.org.
     */
    public boolean neverSent() {
        return lastTryNotSent != null && !earlierTrySent;
    }

    /** Why the call's last try never left the platform; empty when it was sent. */
    public Optional<NotSent> lastTryNotSent() {
        return Optional.ofNullable(lastTryNotSent);
    }

    /** Whether an earlier try (or page) of a call whose last try was not sent was sent ({@link #afterAnEarlierTryWasSent}). */
    public boolean earlierTrySent() {
        return earlierTrySent;
    }

    /**
     * This failure in other words, {@code message}: the same kind, answer, wait and operation. For a caller that knows
     * what the failure comes to beyond the call (a policy run missed on a 429's wait; ADR 0028, amended in session 52),
     * so that its audited failure and its operation's record say so.
     */
    public ProviderFailure saying(String message) {
        ProviderFailure said = new ProviderFailure(kind, Objects.requireNonNull(message, "message"), providerStatus(),
                retryAfter(), getCause(), answered, operation, noAnswer, passingState, lastTryNotSent, earlierTrySent,
                listGivenUp);
        said.setStackTrace(getStackTrace());
        for (Throwable suppressed : getSuppressed()) {
            said.addSuppressed(suppressed);
        }
        return said;
    }

    /** The stored operation whose call this failure answers; empty for a failure before any was stored (a check's read). */
    public Optional<OperationId> operation() {
        return Optional.ofNullable(operation);
    }
}
