package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import org.vpsrecovery.application.failure.AtMostEvery;
import org.vpsrecovery.domain.common.AccessDenied;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.FairShareExceeded;
import org.vpsrecovery.domain.report.AuditReadsBusy;
import org.vpsrecovery.domain.port.PlatformOutcomeUnknown;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.webhook.WebhookTargetChecksBusy;

/**
 * The one place where typed failures become HTTP: status, problem+json body, Retry-After.
 * Limits and preconditions answer 400, as VPS.org itself would; provider faults 502/503/504; the
 * restore hold's refusals (a restore's source in use, no hold to release) 409; a team over its
 * fair share of VPS.org 429.
 */
public final class FacadeProblems {

    static final Duration BUSY_RETRY_AFTER = Duration.ofSeconds(1);
    /** When to come back from an outage whose end is not known (VPS.org's without its own Retry-After, the identity provider's). */
    public static final Duration UNAVAILABLE_RETRY_AFTER = Duration.ofSeconds(5);
    /**
     * When to come back from VPS.org's "not now" that carried no Retry-After ({@link #notNow}): the platform held no
     * restore of the server (it would have refused first, SERVER_RESTORING with the hold's end), so how long the state
     * lasts is not known; small, as a caller asking again early is only refused again (ADR 0006, amended in session 51).
     */
    public static final Duration PROVIDER_BUSY_RETRY_AFTER = Duration.ofSeconds(30);
    /** The longest Retry-After answered (86400 s, as the OpenAPI document states): a longer wait is said as this. */
    public static final Duration MAX_RETRY_AFTER = Duration.ofDays(1);
    /** Refusals of the platform's own lifecycles (restore holds, ADR 0026; holds, ADR 0029): the request fits, the state does not yet. */
    private static final java.util.Set<ReasonCode> CONFLICTS =
            java.util.EnumSet.of(ReasonCode.RECOVERY_POINT_IN_USE, ReasonCode.NO_RESTORE_HOLD,
                    ReasonCode.RECOVERY_POINT_HELD, ReasonCode.HOLD_ALREADY_RELEASED,
                    ReasonCode.RECOVERY_POINT_BEING_DELETED,
                    // An approval's own lifecycle (ADR 0040): decided already, or its time limit passed; or none to
                    // decide, the operation never waited for one (session 51).
                    ReasonCode.APPROVAL_ALREADY_DECIDED, ReasonCode.APPROVAL_EXPIRED, ReasonCode.APPROVAL_NOT_REQUIRED,
                    // VPS.org refused the delete that would make the room (ADR 0029, amended in session 49): the
                    // request fits, the point's state at VPS.org does not.
                    ReasonCode.ROTATION_NOT_POSSIBLE);

    private FacadeProblems() {
    }

    /** {@code clock}: the one the use cases read, so a refusal's {@code retryAt} is measured on the same time. */
    public static MutableHttpResponse<ProblemDetails> of(RecoveryException failure, String requestId, Clock clock) {
        HttpStatus status = statusOf(failure);
        ProblemDetails body = ProblemDetails.of(status.getCode(), status.getReason(), detailOf(failure),
                reasonOf(failure).name(), requestId, null);
        if (failure instanceof AuditEventAltered altered) {
            body = body.withSequence(altered.sequence());
        }
        MutableHttpResponse<ProblemDetails> response = HttpResponse.<ProblemDetails>status(status)
                .contentType(ProblemDetails.MEDIA_TYPE).body(body);
        retryAfterOf(failure, status, clock).ifPresent(wait -> response.header("Retry-After", retryAfterSeconds(wait)));
        return response;
    }

    public static MutableHttpResponse<ProblemDetails> of(InvalidRequest invalid, String requestId) {
        return respond(HttpStatus.BAD_REQUEST, invalid.getMessage(), invalid.reason().name(), requestId, invalid.field());
    }

    public static MutableHttpResponse<ProblemDetails> respond(HttpStatus status, String detail, String reasonCode,
                                                              String requestId, String field) {
        ProblemDetails body = ProblemDetails.of(status.getCode(), status.getReason(), detail, reasonCode, requestId, field);
        return HttpResponse.<ProblemDetails>status(status).contentType(ProblemDetails.MEDIA_TYPE).body(body);
    }

    public static HttpStatus statusOf(RecoveryException failure) {
        if (failure instanceof AccessDenied) {
            return HttpStatus.FORBIDDEN;
        }
        if (failure instanceof ResourceNotFound) {
            return HttpStatus.NOT_FOUND;
        }
        if (failure instanceof RecoveryDenied denied && denied.reason() == ReasonCode.POLICY_VERSION_CONFLICT) {
            return HttpStatus.PRECONDITION_FAILED; // If-Match names a version that is no longer current (ADR 0028)
        }
        if (failure instanceof RecoveryDenied denied && denied.reason() == ReasonCode.POLICY_VERSION_REQUIRED) {
            return HttpStatus.PRECONDITION_REQUIRED;
        }
        if (failure instanceof RecoveryDenied denied && CONFLICTS.contains(denied.reason())) {
            return HttpStatus.CONFLICT;
        }
        if (failure instanceof RecoveryDenied) {
            return HttpStatus.BAD_REQUEST;
        }
        if (failure instanceof ServerBusy) {
            return HttpStatus.CONFLICT;
        }
        if (failure instanceof AuditEventAltered) {
            // The request is sound and the platform did not fail: the stored history is in a state (changed outside the
            // platform) that keeps this read from being answered whole. Asking again gets the same until it is dealt
            // with, so no Retry-After; not a 5xx, which monitoring and clients read as ours and worth retrying (ADR 0005).
            return HttpStatus.CONFLICT;
        }
        if (failure instanceof FairShareExceeded) {
            return HttpStatus.TOO_MANY_REQUESTS; // the team's fair share of VPS.org (ADR 0037)
        }
        if (failure instanceof AuditReadsBusy busy && busy.readersOwnPages()) {
            return HttpStatus.TOO_MANY_REQUESTS; // the reader's own pages of events at once (ADR 0062, session 56)
        }
        if (failure instanceof PlatformOutcomeUnknown) {
            // The platform's own commit may have happened: answered as VPS.org's unknown outcome is, 504 without
            // Retry-After, never the 503 whose Retry-After says "nothing was done, retry" (ADR 0023, session 44).
            return HttpStatus.GATEWAY_TIMEOUT;
        }
        if (failure instanceof PlatformUnavailable || failure instanceof AuditReadsBusy
                || failure instanceof WebhookTargetChecksBusy) {
            return HttpStatus.SERVICE_UNAVAILABLE;
        }
        if (failure instanceof ProviderFailure provider) {
            return switch (provider.kind()) {
                // "Not now" is a conflict with the state of what was asked, as a busy server's lock is; for good,
                // VPS.org's own 409 or 422, else 400.
                case REJECTED, LIMIT_REACHED -> notNow(provider) ? HttpStatus.CONFLICT : refusalStatusOf(provider);
                case NOT_FOUND -> HttpStatus.NOT_FOUND;
                case RATE_LIMITED -> HttpStatus.SERVICE_UNAVAILABLE;
                // A provider that answered 5xx is a bad gateway; one we could not reach is unavailable.
                case UNAVAILABLE -> provider.providerStatus().isPresent() ? HttpStatus.BAD_GATEWAY : HttpStatus.SERVICE_UNAVAILABLE;
                case TIMEOUT, OUTCOME_UNKNOWN -> HttpStatus.GATEWAY_TIMEOUT;
                case UNAUTHORIZED, MALFORMED_RESPONSE -> HttpStatus.BAD_GATEWAY;
            };
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    /**
     * VPS.org's refusal that says "not now": its words speak of a state that passes by itself ({@link
     * ProviderFailure#inAPassingState}: the server being restored, a point being made) or it came with a Retry-After.
     * Answered {@code 409 PROVIDER_BUSY} with Retry-After, so a client tries again rather than giving up for good; the
     * audit keeps VPS.org's refusal as it came (ADR 0006, amended in session 51).
     */
    static boolean notNow(ProviderFailure provider) {
        return (provider.kind() == ProviderFailure.Kind.REJECTED || provider.kind() == ProviderFailure.Kind.LIMIT_REACHED)
                && (provider.inAPassingState() || provider.retryAfter().isPresent());
    }

    /** The reason code the caller is told, on every inbound adapter: the failure's own, but for {@link #notNow}. */
    public static ReasonCode reasonOf(RecoveryException failure) {
        return failure instanceof ProviderFailure provider && notNow(provider) ? ReasonCode.PROVIDER_BUSY : failure.reason();
    }

    /**
     * What the caller is told of a failure, on every inbound adapter (the API's problem and the console's page): never
     * the platform's own settings or VPS.org's internals, which only the log line ({@link #logIfOurs}) carries.
     */
    public static String detailOf(RecoveryException failure) {
        if (failure instanceof ProviderFailure provider && provider.lastTryNotSent().isPresent()) {
            return notSentDetailOf(provider, provider.lastTryNotSent().get());
        }
        if (failure instanceof ProviderFailure provider && provider.kind() != ProviderFailure.Kind.OUTCOME_UNKNOWN
                && provider.noAnswer().filter(why -> why == ProviderFailure.NoAnswer.CONNECTION_DROPPED).isPresent()) {
            // A read is tried again on a dropped connection: the last try's failure is the call's.
            return "the connection to VPS.org was dropped before its answer came, at every try; nothing was done. "
                    + TRY_AGAIN_SHORTLY;
        }
        if (failure instanceof ProviderFailure provider) {
            return switch (provider.kind()) {
                // The platform's credentials are an operator matter: the caller learns no more than this.
                case UNAUTHORIZED -> "the platform could not authenticate to VPS.org; operators have been told";
                // A 5xx VPS.org (or a gateway before it) may have sent after acting (ADR 0010). An answer read as
                // none about what was asked (another server's) came without its code (ADR 0010). No answer: why none
                // came, as the adapter or the application told it (ADR 0010, amended in session 46).
                case OUTCOME_UNKNOWN -> provider.noAnswer().map(why -> noAnswer(why, provider))
                        .orElseGet(() -> (provider.providerStatus().isPresent()
                                ? "VPS.org (or a gateway before it) answered HTTP " + provider.providerStatus().getAsInt()
                                : provider.answered() ? "VPS.org answered, though not about what was asked"
                                : "no readable answer came from VPS.org") + MAY_HAVE_HAPPENED);
                case TIMEOUT, UNAVAILABLE, MALFORMED_RESPONSE -> outageDetailOf(provider);
                default -> provider.getMessage();
            };
        }
        if (failure instanceof PlatformOutcomeUnknown unknown && unknown.storedRequest().isPresent()) {
            return storedRequestInDoubt(unknown.storedRequest().get());
        }
        if (failure instanceof PlatformOutcomeUnknown unknown && unknown.storedDecision().isPresent()) {
            return storedDecisionInDoubt(unknown.storedDecision().get());
        }
        if (failure instanceof PlatformOutcomeUnknown unknown && unknown.changeEnd().isPresent()) {
            return changeEndInDoubt(unknown.changeEnd().get());
        }
        if (failure instanceof RecoveryDenied denied && denied.reason() == ReasonCode.POLICY_VERSION_REQUIRED) {
            return failure.getMessage() + " (its ETag, sent back in If-Match)";
        }
        if (failure instanceof AuditEventAltered) {
            return failure.getMessage() + " (the verification: GET /api/v1/audit/verify/, or vpsr audit verify)";
        }
        return failure.getMessage();
    }

    /** How the caller's words for an outage end (ADR 0006, amended in session 51). */
    private static final String TRY_AGAIN_SHORTLY = "Try again shortly; if it goes on, tell the platform's operators, "
            + "quoting the request id";

    /**
     * A call whose last try never left the platform, told by why ({@code why}), in words that name none of the
     * platform's settings nor VPS.org's address, which the operator's message may carry. A call an earlier try (or
     * page) of which was sent is not told that nothing was sent (ADR 0006, amended in sessions 52 and 53).
     */
    private static String notSentDetailOf(ProviderFailure provider, ProviderFailure.NotSent why) {
        if (provider.earlierTrySent()) {
            return why == ProviderFailure.NotSent.HELD_BACK_BY_RATE_LIMIT
                    ? "VPS.org asked the platform to slow down while this call was made, so its last try was held back"
                    + provider.retryAfter().map(wait -> " (" + wholeSecondsUp(wait) + " s more)").orElse("")
                    + ". Try again after the Retry-After"
                    : "VPS.org gave this call no answer to use, and its last try could not be sent now. "
                    + TRY_AGAIN_SHORTLY;
        }
        return switch (why) {
            case HELD_BACK_BY_RATE_LIMIT -> "VPS.org asked the platform to slow down, so calls to it are held back for "
                    + wholeSecondsUp(provider.retryAfter().orElseThrow()) + " s more; nothing was sent. Try again after "
                    + "the Retry-After";
            case CIRCUIT_OPEN -> "VPS.org failed repeatedly, so calls to it are refused for "
                    + wholeSecondsUp(provider.retryAfter().orElseThrow()) + " s more; nothing was sent. "
                    + TRY_AGAIN_SHORTLY;
            case NO_CONNECTION -> "VPS.org could not be reached now; nothing was sent. " + TRY_AGAIN_SHORTLY;
            case NO_FREE_CONNECTION -> "VPS.org was not called: every connection to it is busy with slow calls; "
                    + "nothing was sent. " + TRY_AGAIN_SHORTLY;
            case OUT_OF_REQUEST_TIME -> "VPS.org was not called: too little of this request's time was left for a call "
                    + "to end within it; nothing was sent. " + TRY_AGAIN_SHORTLY;
            case CLIENT_CLOSED -> "this instance's VPS.org client is closed (the instance is stopping); nothing was "
                    + "sent. Try again: another instance answers";
        };
    }

    /** A wait in whole seconds, rounded up, at least 1: a caller coming back a moment early is held back again. */
    private static long wholeSecondsUp(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /**
     * VPS.org's outage told in fixed words, what happened and what to do: its message names the platform's settings
     * (vpsorg.read-timeout, micronaut.server.idle-timeout, vpsorg.max-response-size) and VPS.org's address, which only
     * the WARN line ({@link #logIfOurs}) carries (ADR 0006, amended in session 51). A call not sent and a read dropped
     * at every try have words of their own ({@link #notSentDetailOf}, session 53).
     */
    private static String outageDetailOf(ProviderFailure provider) {
        return switch (provider.kind()) {
            case TIMEOUT -> "VPS.org did not answer in time; nothing was changed. Try again shortly; if it goes on, "
                    + "tell the platform's operators, quoting the request id";
            // A list given up is told by why: VPS.org answered it, or ran out of its time (sessions 54 and 55).
            case UNAVAILABLE -> (provider.providerStatus().isPresent()
                    ? "VPS.org failed to answer (HTTP " + provider.providerStatus().getAsInt() + ")"
                    : provider.listGivenUp().map(FacadeProblems::listGivenUp).orElse("VPS.org could not be reached now"))
                    + "; nothing was done. Try again shortly; if it goes on, tell the platform's operators, quoting the "
                    + "request id";
            case MALFORMED_RESPONSE -> "VPS.org's answer could not be read; operators have been told. Read what you "
                    + "asked about before trying again, and quote the request id to the platform's operators";
            default -> throw new IllegalArgumentException("not an outage: " + provider.kind());
        };
    }

    /** What happened to a list given up "try later", in words naming none of the platform's settings (session 55). */
    private static String listGivenUp(ProviderFailure.ListGivenUp why) {
        return switch (why) {
            case INCONSISTENT -> "VPS.org's list was inconsistent at every read (its pages did not hold what its count "
                    + "said, or kept changing), so it could not be used";
            case PAGES_WITHOUT_COUNT -> "VPS.org's list came in several pages without its count on each, so it could "
                    + "not be confirmed whole and was not used";
            case OUT_OF_LIST_TIME -> "VPS.org's list could not be read whole within the time the platform gives one "
                    + "list (its pages came too slowly, or too many of them), so it was not used";
        };
    }

    private static final String MAY_HAVE_HAPPENED =
            "; the operation may or may not have happened. List the resources before trying again.";

    /**
     * An outcome unknown for want of an answer, by why none came, so that a dropped connection is not taken for a
     * timeout (ADR 0010, amended in session 46). The platform's own failure after an approved run started is told in
     * its own words: follow the operation, never decide again (ADR 0040, amended in session 48).
     */
    private static String noAnswer(ProviderFailure.NoAnswer why, ProviderFailure failure) {
        return switch (why) {
            case TIMED_OUT -> "VPS.org did not answer in time" + MAY_HAVE_HAPPENED;
            case CONNECTION_DROPPED -> "the connection to VPS.org was dropped before its answer came" + MAY_HAVE_HAPPENED;
            case CLIENT_CLOSED -> "this instance of the platform was stopping and stopped waiting for VPS.org's answer"
                    + MAY_HAVE_HAPPENED;
            case PLATFORM_FAILED_AFTER_THE_START -> failure.getMessage();
        };
    }

    /** Where the caller reads a request for approval that may be stored: the application knows no routes. */
    private static String storedRequestInDoubt(PlatformOutcomeUnknown.StoredRequest request) {
        return "the platform's store failed while storing the request for approval, so " + named(request)
                + " may be waiting for approval; read it " + readAt(request) + " before asking again";
    }

    /** Where the caller reads a request whose decision may be stored (session 45). */
    private static String storedDecisionInDoubt(PlatformOutcomeUnknown.StoredDecision decision) {
        PlatformOutcomeUnknown.StoredRequest request = decision.request();
        return "the platform's store failed while storing the decision, so " + named(request) + " may be "
                + decision.mayBe() + "; read it " + readAt(request) + " before deciding again";
    }

    /** Where the caller reads an approved change whose end may not be recorded (session 46). */
    private static String changeEndInDoubt(PlatformOutcomeUnknown.ChangeEnd end) {
        PlatformOutcomeUnknown.StoredRequest request = end.request();
        return named(request) + " " + end.what() + ", but the platform's store failed while recording that, so it may "
                + "read approved until the settle-approvals job records how it ended; read it " + readAt(request)
                + " before acting on it again";
    }

    private static String named(PlatformOutcomeUnknown.StoredRequest request) {
        return switch (request.kind()) {
            case OPERATION -> "operation " + request.id();
            case CHANGE -> "change " + request.id();
        };
    }

    private static String readAt(PlatformOutcomeUnknown.StoredRequest request) {
        return switch (request.kind()) {
            case OPERATION -> "(GET /api/v1/operations/" + request.id() + "/)";
            case CHANGE -> "(GET /api/v1/changes/" + request.id() + "/)";
        };
    }

    /**
     * A refusal for this instance's capacity, said once a minute per key: its reason code and the kind of its innermost
     * cause, so a pool's timeout and a refused connection (a real outage) stay apart (session 56 own-merge review).
     * Only audit slots taken ({@code AUDIT_READS_BUSY}) and a read's {@code PLATFORM_UNAVAILABLE}: a refused change
     * (not GET or HEAD) keeps its own WARN, since its request id may be in no audit (its intent was not written), and a
     * server's lock lost, a pause after a restore or a stop are no capacity.
     */
    record CapacityRefusal(ReasonCode reason, String causeKind) {

        static java.util.Optional<CapacityRefusal> of(io.micronaut.http.HttpRequest<?> request, RecoveryException failure) {
            if (failure instanceof AuditReadsBusy) {
                return java.util.Optional.of(new CapacityRefusal(failure.reason(), ""));
            }
            boolean read = request.getMethod() == io.micronaut.http.HttpMethod.GET
                    || request.getMethod() == io.micronaut.http.HttpMethod.HEAD;
            if (failure instanceof PlatformUnavailable && failure.reason() == ReasonCode.PLATFORM_UNAVAILABLE && read) {
                Throwable innermost = failure;
                while (innermost.getCause() != null && innermost.getCause() != innermost) {
                    innermost = innermost.getCause();
                }
                return java.util.Optional.of(new CapacityRefusal(failure.reason(),
                        innermost == failure ? "no cause" : innermost.getClass().getSimpleName()));
            }
            return java.util.Optional.empty();
        }

        @Override
        public String toString() {
            return causeKind.isEmpty() ? reason.toString() : reason + " (" + causeKind + ")";
        }
    }

    /** What a call not sent to VPS.org is refused for: its line is said once a minute per key, not per request. */
    record NotSentRefusal(ReasonCode reason, ProviderFailure.NotSent why) {
    }

    /** Shared by the API and the console, as their lines are; reasons times why-not-sent stays far below 64 keys. */
    private static final AtMostEvery<NotSentRefusal> NOT_SENT_LINES =
            new AtMostEvery<>(Duration.ofMinutes(1), 64, System::nanoTime);
    /**
     * Capacity refusals (session 56): a 503 for the instance's own bounds (audit read or page slots taken, no pooled
     * connection in time, the fair share's count out of reach), keyed by {@link CapacityRefusal}. Not faults: under load
     * every request past the bound is refused so, and a line each was 75,157 lines in 40 s of an overload review's exports.
     */
    private static final AtMostEvery<CapacityRefusal> CAPACITY_LINES = new AtMostEvery<>(Duration.ofMinutes(1), 16, System::nanoTime);

    /** Where the API's refusal lines go (its exception handlers' logger): their held-back counts go there too. */
    private static final org.slf4j.Logger HELD_BACK_LOG = org.slf4j.LoggerFactory.getLogger(FacadeExceptionHandlers.class);

    /**
     * The counts of not-sent refusals held back under a reason and why-not-sent quiet for a minute since: said in a line
     * of their own, called every minute by the instance's sweep; before, once VPS.org was back, the refusals held back
     * after the last line were said by no line (ADR 0025, amended in session 56).
     */
    public static void sayQuietNotSentLines() {
        sayQuietNotSentLines(HELD_BACK_LOG, NOT_SENT_LINES);
        sayQuietCapacityLines(HELD_BACK_LOG, CAPACITY_LINES);
    }

    static void sayQuietCapacityLines(org.slf4j.Logger log, AtMostEvery<CapacityRefusal> capacityLines) {
        for (AtMostEvery.Expired<CapacityRefusal> quiet : capacityLines.sayExpired()) {
            log.warn("{} more request(s) refused {} for this instance's capacity since the last such line, and none since "
                    + "for 1 min", quiet.heldBack(), quiet.key());
        }
    }

    static void sayQuietNotSentLines(org.slf4j.Logger log, AtMostEvery<NotSentRefusal> notSentLines) {
        for (AtMostEvery.Expired<NotSentRefusal> quiet : notSentLines.sayExpired()) {
            log.warn("{} more request(s) answered {} without a call sent to VPS.org ({}) since the last such line, and "
                    + "none since for 1 min", quiet.heldBack(), quiet.key().reason(), quiet.key().why());
        }
    }

    /** Every not-sent refusal count held back, whatever its minute: at this instance's stop (session 56). */
    public static void sayNotSentLinesAtStop() {
        sayNotSentLinesAtStop(HELD_BACK_LOG, NOT_SENT_LINES);
        sayCapacityLinesAtStop(HELD_BACK_LOG, CAPACITY_LINES);
    }

    static void sayCapacityLinesAtStop(org.slf4j.Logger log, AtMostEvery<CapacityRefusal> capacityLines) {
        for (AtMostEvery.Expired<CapacityRefusal> held : capacityLines.sayAllHeld()) {
            log.warn("{} more request(s) refused {} for this instance's capacity since the last such line, said as this "
                    + "instance stops", held.heldBack(), held.key());
        }
    }

    static void sayNotSentLinesAtStop(org.slf4j.Logger log, AtMostEvery<NotSentRefusal> notSentLines) {
        for (AtMostEvery.Expired<NotSentRefusal> held : notSentLines.sayAllHeld()) {
            log.warn("{} more request(s) answered {} without a call sent to VPS.org ({}) since the last such line, said "
                    + "as this instance stops", held.heldBack(), held.key().reason(), held.key().why());
        }
    }

    /**
     * A failure answered with a 5xx is logged at WARN, with the request's id, as the API's handler and the console both
     * do: the platform's own messages (no token, no body), so operators see what the caller's detail leaves out. A call
     * whose last try was never sent to VPS.org (circuit open, VPS.org's rate-limit hold, no connection, no free
     * connection, out of the request's time) is said at most once a minute per reason and why-not-sent, the next line
     * counting those held back: in an outage every request is refused so, and a line each (up to a team's fair share a
     * minute) would drown the rest. A change refused so stays traceable by its request id in the audit, which keeps
     * every attempt; a read is not audited, so each one held back is said at DEBUG with its request id. Every other 5xx,
     * and one whose earlier try was sent, keeps its own line (ADR 0006, amended in session 53).
     */
    public static void logIfOurs(org.slf4j.Logger log, io.micronaut.http.HttpRequest<?> request, HttpStatus status,
                                 RecoveryException failure) {
        logIfOurs(log, request, status, failure, NOT_SENT_LINES);
    }

    static void logIfOurs(org.slf4j.Logger log, io.micronaut.http.HttpRequest<?> request, HttpStatus status,
                          RecoveryException failure, AtMostEvery<NotSentRefusal> notSentLines) {
        logIfOurs(log, request, status, failure, notSentLines, CAPACITY_LINES);
    }

    static void logIfOurs(org.slf4j.Logger log, io.micronaut.http.HttpRequest<?> request, HttpStatus status,
                          RecoveryException failure, AtMostEvery<NotSentRefusal> notSentLines,
                          AtMostEvery<CapacityRefusal> capacityLines) {
        if (status.getCode() < 500) {
            return;
        }
        String heldBackSince = "";
        // A refusal for this instance's own capacity is no fault: at most a line a minute per reason and cause, the next
        // counting those held back, each one's request id at DEBUG (ADR 0006, amended in session 56).
        java.util.Optional<CapacityRefusal> capacity = CapacityRefusal.of(request, failure);
        if (capacity.isPresent()) {
            OptionalLong heldBack = capacityLines.sayNow(capacity.get());
            if (heldBack.isEmpty()) {
                if (log.isDebugEnabled()) {
                    try (var id = LoggedRequestId.of(request)) {
                        log.debug("{} {} answered {} {} (held back from WARN): {}", request.getMethodName(),
                                request.getPath(), status.getCode(), failure.reason(), failure.getMessage());
                    }
                }
                return;
            }
            if (heldBack.getAsLong() > 0) {
                heldBackSince = " (and " + heldBack.getAsLong() + " more refused the same way since)";
            }
        }
        // Never sent at any try: one whose earlier try was sent may have been done at VPS.org, and keeps its own line
        // (own-merge review of session 53).
        if (failure instanceof ProviderFailure provider && provider.neverSent()
                && provider.lastTryNotSent().isPresent()) {
            OptionalLong heldBack = notSentLines.sayNow(
                    new NotSentRefusal(failure.reason(), provider.lastTryNotSent().get()));
            if (heldBack.isEmpty()) {
                // Reads are not audited: the request id of each refusal held back is still at DEBUG.
                if (log.isDebugEnabled()) {
                    try (var id = LoggedRequestId.of(request)) {
                        log.debug("{} {} answered {} {} (held back from WARN): {}", request.getMethodName(),
                                request.getPath(), status.getCode(), failure.reason(), failure.getMessage());
                    }
                }
                return;
            }
            if (heldBack.getAsLong() > 0) {
                heldBackSince = " (and " + heldBack.getAsLong() + " more refused the same way since)";
            }
        }
        try (var id = LoggedRequestId.of(request)) {
            log.warn("{} {} answered {} {}: {}{}", request.getMethodName(), request.getPath(), status.getCode(),
                    failure.reason(), failure.getMessage(), heldBackSince);
        }
    }

    /**
     * Whole seconds, rounded up (a caller coming back a moment early would be refused again), at least 1 and at most
     * {@link #MAX_RETRY_AFTER}: the OpenAPI document's bound on every Retry-After. VPS.org's own Retry-After is passed
     * on through here, and it may say anything up to 999,999,999 s; a caller told to wait a day asks again then.
     */
    public static String retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Long.toString(Math.clamp(seconds, 1, MAX_RETRY_AFTER.toSeconds()));
    }

    /** When a refused caller may come back, for every inbound adapter's answer (the API's and the console's). */
    public static java.util.Optional<Duration> retryAfterOf(RecoveryException failure, HttpStatus status, Clock clock) {
        if (failure instanceof RecoveryDenied denied && denied.retryAt().isPresent()) {
            // A refusal that ends by itself (a restore hold's window): come back when it has. Measured on the
            // injected clock, the one retryAt was read from, not the system's (they differ in tests and may in time).
            return java.util.Optional.of(Duration.between(clock.instant(), denied.retryAt().get()));
        }
        if (failure instanceof ServerBusy) {
            return java.util.Optional.of(BUSY_RETRY_AFTER);
        }
        if (failure instanceof PlatformUnavailable unavailable) {
            return java.util.Optional.of(unavailable.retryAfter());
        }
        if (failure instanceof FairShareExceeded exceeded) {
            return java.util.Optional.of(exceeded.retryAfter());
        }
        if (failure instanceof AuditReadsBusy busy) {
            return java.util.Optional.of(busy.retryAfter());
        }
        if (failure instanceof WebhookTargetChecksBusy busy) {
            return java.util.Optional.of(busy.retryAfter());
        }
        if (failure instanceof ProviderFailure provider && notNow(provider)) {
            return java.util.Optional.of(provider.retryAfter().orElse(PROVIDER_BUSY_RETRY_AFTER));
        }
        if (failure instanceof ProviderFailure provider) {
            return providerRetryAfterOf(provider, status);
        }
        return java.util.Optional.empty();
    }

    /**
     * VPS.org's refusal keeps VPS.org's own 409 or 422, which say "the state does not allow it now" and "understood, not
     * doable" apart from a bad request; its 400 and any other 4xx (a 405, a 418) answer 400 (ADR 0006, amended in
     * session 51).
     */
    private static HttpStatus refusalStatusOf(ProviderFailure refusal) {
        int providerStatus = refusal.providerStatus().orElse(HttpStatus.BAD_REQUEST.getCode());
        return providerStatus == HttpStatus.CONFLICT.getCode() ? HttpStatus.CONFLICT
                : providerStatus == HttpStatus.UNPROCESSABLE_ENTITY.getCode() ? HttpStatus.UNPROCESSABLE_ENTITY
                : HttpStatus.BAD_REQUEST;
    }

    /**
     * VPS.org's own Retry-After on a 503; a 503 without one, {@link #UNAVAILABLE_RETRY_AFTER}. A refusal VPS.org sent a
     * Retry-After with is "not now" ({@link #notNow}, 409 PROVIDER_BUSY with it); a 502 or 504 keeps none: the
     * document declares none there (ADR 0006, amended in session 51).
     */
    private static java.util.Optional<Duration> providerRetryAfterOf(ProviderFailure provider, HttpStatus status) {
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            return java.util.Optional.of(provider.retryAfter().orElse(UNAVAILABLE_RETRY_AFTER));
        }
        return java.util.Optional.empty();
    }
}
