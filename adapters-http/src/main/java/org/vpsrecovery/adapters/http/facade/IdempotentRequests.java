package org.vpsrecovery.adapters.http.facade;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.json.JsonMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;
import org.vpsrecovery.adapters.http.provider.ProviderDeadline;
import org.vpsrecovery.application.attempt.AttemptsOnRecord;
import org.vpsrecovery.application.change.PendingChangesService;
import org.vpsrecovery.application.hold.RecoveryPointHoldsUseCase;
import org.vpsrecovery.application.operation.GetOperationUseCase;
import org.vpsrecovery.application.policy.ManagePoliciesUseCase;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditHistoryEntry;
import org.vpsrecovery.domain.audit.LaterReleaseEvent;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ResourceNotFound;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.hold.HoldId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.IdempotencyScope;
import org.vpsrecovery.domain.idempotency.Lease;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.policy.PolicyId;
import org.vpsrecovery.domain.port.AuditEventAltered;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * {@code Idempotency-Key} on the POSTs, after the IETF httpapi draft: the first request with a key
 * runs and its answer is kept for {@link #KEY_LIFETIME}; a replay (same key, method, path and body,
 * the body compared as canonical JSON) gets that answer again, {@code X-Operation-Id} and {@code ETag} included,
 * without touching the provider; the same key with another request is 422. Keys are scoped per team, and per auditor for a legal hold.
 *
 * <p>The request holding a key holds it under a lease ({@code vpsr.idempotency.lease}, 5 min; ADR 0027): a replay while
 * the lease runs is 409 with Retry-After. The lease is longer than the time in which a request may still send anything to
 * VPS.org (two thirds of {@code micronaut.server.idle-timeout}, {@link ProviderDeadline}), or the start is refused: so
 * a lease ends only once its holder can send nothing more (ADR 0027, amended in session 46). A holder that died (kill -9)
 * leaves its lease to end; the next replay then takes the key over, and, before anything else, asks
 * whether the dead holder (or any the key was taken over from before) reached VPS.org: its operation id is the lease's holder, and an operation
 * exists only once the attempt got to its intent (stored just before it, ADR 0084), before the provider is called. If none exists, the request
 * runs; if one does, it is never sent again: the answer is 409 IDEMPOTENT_REQUEST_INTERRUPTED naming
 * that operation, which the tracker follows to its end (ADR 0027). Likewise a change the dead holder stored to wait for
 * a second person (ADR 0043): it is never asked for twice; and any change whose intent the audit history holds under
 * the holder's id (a policy replaced or deleted, a hold released: ADR 0027, amended in session 40), which may have
 * taken effect and is never made twice.
 *
 * <p>Only answers that must not be repeated are kept: successes, "outcome unknown" (504) and
 * "interrupted"; after any other error the key is freed so the client may retry with it, among them a 503 whose
 * attempt ended before VPS.org was called though its operation was stored ({@link PlatformUnavailable#attemptEndedBeforeTheProvider()}).
 *
 * <p>Built when the context starts: a wrong lease stops the start with its key named, not every POST with a 500.
 */
@Context
public class IdempotentRequests {

    private static final Logger LOG = LoggerFactory.getLogger(IdempotentRequests.class);
    private static final Duration TAKE_OVER_RETRY_AFTER = Duration.ofSeconds(2);

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    public static final Duration KEY_LIFETIME = Duration.ofHours(24);

    private final IdempotencyRecords records;
    private final GetOperationUseCase operations;
    private final PendingChangesService changes;
    private final RecoveryPointHoldsUseCase holds;
    @Nullable
    private final ManagePoliciesUseCase policies;
    private final AttemptsOnRecord attempts;
    private final JsonMapper json;
    private final Clock clock;
    private final Duration lease;

    public IdempotentRequests(IdempotencyRecords records, GetOperationUseCase operations, PendingChangesService changes,
                              RecoveryPointHoldsUseCase holds, @Nullable ManagePoliciesUseCase policies,
                              AttemptsOnRecord attempts, JsonMapper json, Clock clock,
                              @Value("${vpsr.idempotency.lease:5m}") Duration lease, HttpServerConfiguration server) {
        if (lease.isNegative() || lease.isZero() || lease.compareTo(KEY_LIFETIME) >= 0) {
            throw new IllegalArgumentException("vpsr.idempotency.lease must be positive and shorter than "
                    + KEY_LIFETIME.toHours() + " h, was " + lease);
        }
        requireLeaseOutlastingTheProviderCalls(lease, server.getIdleTimeout());
        this.records = records;
        this.operations = operations;
        this.changes = changes;
        this.holds = holds;
        this.policies = policies;
        this.attempts = attempts;
        this.json = json;
        this.clock = clock;
        this.lease = lease;
    }

    /**
     * A retry takes a key over once its lease has ended, finds no trace of a holder still before its intent, and runs:
     * if that holder could still send, VPS.org would get the request twice. A request sends nothing to VPS.org later
     * than its {@link ProviderDeadline} allows: two thirds of the idle timeout from its arrival, less one attempt's
     * time, and its lease begins after it arrived. A lease longer than those two thirds therefore ends only once its
     * holder can send nothing more: it either left its intent on record before sending, which the taker finds, or it
     * never sends. Without an idle timeout a request's calls have no common end, and no lease can be shown long enough
     * (ADR 0027, amended in session 46).
     */
    static void requireLeaseOutlastingTheProviderCalls(Duration lease, Duration idleTimeout) {
        Duration providerCalls = ProviderDeadline.budgetWithin(idleTimeout).orElseThrow(() -> new IllegalArgumentException(
                "micronaut.server.idle-timeout must be positive, was " + idleTimeout + ": two thirds of it bound a "
                        + "request's VPS.org calls, which vpsr.idempotency.lease must outlast"));
        if (lease.compareTo(providerCalls) <= 0) {
            throw new IllegalArgumentException("vpsr.idempotency.lease (" + lease.toMillis() + " ms) must be longer "
                    + "than two thirds of micronaut.server.idle-timeout (" + providerCalls.toMillis() + " ms of "
                    + idleTimeout.toMillis() + " ms), within which a request's VPS.org calls end: a retry taking the "
                    + "key over sooner could send a request its first holder may still send");
        }
    }

    public HttpResponse<?> run(HttpRequest<?> request, String body, Supplier<MutableHttpResponse<?>> action) {
        String header = request.getHeaders().get(HEADER);
        if (header == null) {
            return action.get();
        }
        IdempotencyKey key;
        try {
            key = new IdempotencyKey(header);
        } catch (IllegalArgumentException invalid) {
            throw new InvalidRequest(RequestReason.INVALID_IDEMPOTENCY_KEY, HEADER, invalid.getMessage());
        }
        IdempotencyScope scope = scope(request);
        OperationId holder = RequestAttributes.operationId(request);
        Instant now = clock.instant();
        BeginResult begun = records.begin(key, scope, fingerprint(request, body), new Lease(holder, now.plus(lease)),
                now.plus(KEY_LIFETIME));
        return switch (begun) {
            case BeginResult.Replay replay -> replayed(replay.response());
            case BeginResult.InFlight inFlight -> FacadeProblems.respond(HttpStatus.CONFLICT,
                            "a request with this Idempotency-Key is still being processed; retry shortly",
                            RequestReason.IDEMPOTENT_REQUEST_IN_PROGRESS.name(), RequestAttributes.requestId(request), HEADER)
                    .header("Retry-After", "1");
            case BeginResult.FingerprintMismatch mismatch -> FacadeProblems.respond(HttpStatus.UNPROCESSABLE_ENTITY,
                    "this Idempotency-Key was used for a different request", RequestReason.IDEMPOTENCY_KEY_REUSED.name(),
                    RequestAttributes.requestId(request), HEADER);
            case BeginResult.Started started -> runFirst(request, key, scope, holder, action);
            case BeginResult.TakenOver taken -> takeOver(request, key, scope, holder, taken, action);
        };
    }

    /** Keys are a team's, or an auditor's for what auditors may ask (legal holds). */
    private static IdempotencyScope scope(HttpRequest<?> request) {
        return switch (RequestAttributes.caller(request)) {
            case Caller.Team team -> IdempotencyScope.of(team.team());
            case Caller.Auditor auditor -> IdempotencyScope.of(auditor.auditor().name());
        };
    }

    /** Method, the route's path and the body's canonical JSON (its raw bytes when it has none). */
    private static RequestFingerprint fingerprint(HttpRequest<?> request, String body) {
        String text = body == null ? "" : body;
        byte[] canonical = CanonicalJson.of(text).orElseGet(() -> text.getBytes(StandardCharsets.UTF_8));
        return RequestFingerprint.of(request.getMethodName(), routePath(request.getPath()), canonical);
    }

    /**
     * The path as its route's one form, with the trailing slash: the router serves every route with and without it
     * (ADR 0006), so a retry that adds or drops it is the same request, not another (ADR 0027, amended in session 40).
     */
    static String routePath(String path) {
        return path.endsWith("/") ? path : path + "/";
    }

    private static HttpResponse<?> replayed(StoredResponse stored) {
        MutableHttpResponse<String> response = HttpResponse.<String>status(HttpStatus.valueOf(stored.status()))
                .contentType(stored.contentType())
                .header(REPLAYED_HEADER, "true")
                .body(new String(stored.body(), StandardCharsets.UTF_8));
        stored.operationId().ifPresent(id -> response.header(RequestAttributes.OPERATION_ID_HEADER, id.toString()));
        stored.etag().ifPresent(tag -> response.header(HttpHeaders.ETAG, tag));
        return response;
    }

    /**
     * The holders' leases ended without an answer. No trace of any of them: each died before its intent, so VPS.org
     * never heard of them and this request runs. A trace (or a holder from before leases, which cannot be traced):
     * VPS.org may have acted, so it is not sent again. Every holder taken over from is traced, not only the last: a
     * taker that could not tell, or could not keep its answer, left no trace of its own (ADR 0027, amended in session 40).
     */
    private HttpResponse<?> takeOver(HttpRequest<?> request, IdempotencyKey key, IdempotencyScope scope, OperationId holder,
                                     BeginResult.TakenOver taken, Supplier<MutableHttpResponse<?>> action) {
        Optional<OperationId> reached;
        try {
            reached = taken.interruptedHolders().stream().filter(id -> reached(scope, id)).findFirst();
        } catch (AuditEventAltered altered) {
            // The history cannot tell until the altered row is dealt with, and waiting does not change that: not 503
            // for ever, nor freed (the request might be sent again). The key is given back in flight, and the answer,
            // 409 AUDIT_EVENT_ALTERED, names the row (ADR 0027, review of session 40).
            bookkeeping(request, "give back the key of", () -> records.endLease(key, scope, holder));
            throw altered;
        } catch (RuntimeException unknown) {
            // Cannot be told now. Never freed (a retry would run as a first request and send it again): the key is
            // given back in flight with its holders, so the retry takes it over at once and traces them again.
            bookkeeping(request, "give back the key of", () -> records.endLease(key, scope, holder));
            throw new PlatformUnavailable("could not tell whether the first request with this Idempotency-Key reached "
                    + "VPS.org (the platform's database); nothing was done", TAKE_OVER_RETRY_AFTER, unknown);
        }
        if (!taken.untraceable() && reached.isEmpty()) {
            return runFirst(request, key, scope, holder, action);
        }
        MutableHttpResponse<?> interrupted = interrupted(request, scope, reached);
        bookkeeping(request, "keep the answer of", () -> records.complete(key, scope, holder, stored(interrupted, reached)));
        return interrupted;
    }

    /**
     * Whether the request holding the key got as far as leaving a trace: an operation (its intent was on record, so
     * VPS.org may have acted), a change stored to wait for approval (ADR 0043: asking again would make a second),
     * a hold it placed (the hold's id is the request's operation id), or the intent of any other change it made, which
     * may have taken effect: a policy replaced, deleted, or created and deleted since; a hold released (none of these
     * leaves a row of the request's id; rerun, it would answer 412, 404 or 409 instead of its first answer).
     */
    private boolean reached(IdempotencyScope scope, OperationId holder) {
        return operations.exists(holder) || scope.team().flatMap(own -> changes.find(own, holder)).isPresent() || placedHold(holder)
                || scope.team().filter(own -> storedPolicy(own, holder)).isPresent()
                || attempts.changeThatMayHaveTakenEffect(holder).isPresent();
    }

    /** A policy the request created ({@link PolicyId#createdBy}). None where policies are not served. */
    private boolean storedPolicy(TeamId team, OperationId holder) {
        if (policies == null) {
            return false;
        }
        try {
            policies.get(team, PolicyId.createdBy(holder));
            return true;
        } catch (ResourceNotFound none) {
            return false;
        }
    }

    private boolean placedHold(OperationId holder) {
        return holds.wasPlaced(new HoldId(holder.value()));
    }

    private MutableHttpResponse<?> interrupted(HttpRequest<?> request, IdempotencyScope scope, Optional<OperationId> reached) {
        String detail = reached.map(id -> reachedDetail(scope, id))
                .orElse("the first request with this Idempotency-Key was interrupted and cannot be traced, so it is "
                        + "not sent again; the audit history shows what was recorded, and a new key asks again");
        MutableHttpResponse<?> interrupted = FacadeProblems.respond(HttpStatus.CONFLICT, detail,
                RequestReason.IDEMPOTENT_REQUEST_INTERRUPTED.name(), RequestAttributes.requestId(request), HEADER);
        reached.ifPresent(id -> interrupted.header(RequestAttributes.OPERATION_ID_HEADER, id.toString()));
        return interrupted;
    }

    /**
     * What the holder {@code id} left, in words: read again, since {@link #reached} stops at its first trace. Found a
     * moment ago, so the answer (409 INTERRUPTED, the key kept) stands whatever these reads do: one that fails (the
     * store away or busy) gives plainer words, never a 503 or a 500 that left the key held until its lease ends
     * (session 48's review), as {@link #madeChange} does.
     */
    private String reachedDetail(IdempotencyScope scope, OperationId id) {
        try {
            return scope.team().flatMap(own -> changes.find(own, id)).isPresent()
                    ? "the first request with this Idempotency-Key was interrupted after its change was stored to "
                    + "wait for approval; it is not asked again: change " + id + " shows how it ends (GET "
                    + "/api/v1/changes/" + id + "/)"
                    : placedHold(id)
                    ? "the first request with this Idempotency-Key was interrupted after it placed its hold; it is "
                    + "not placed again: hold " + id + " is among the point's holds (GET .../holds/)"
                    : operations.exists(id) ? "the first request with this Idempotency-Key was interrupted after it was "
                    + "accepted, so VPS.org may have acted on it; it is not sent again: operation " + id
                    + " shows how it ends (GET /api/v1/operations/" + id + "/)"
                    : madeChange(id);
        } catch (RuntimeException unreadable) {
            return "the first request with this Idempotency-Key was interrupted after it got as far as acting, so it "
                    + "may have taken effect; it is not sent again: " + id + " names it (an operation, a change or a "
                    + "hold), the audit history shows what was recorded, and a new key asks again";
        }
    }

    /** What a change whose first answer was lost did, named from its intent: its answer cannot be rebuilt from it. */
    private String madeChange(OperationId attempt) {
        Optional<AuditHistoryEntry> intent;
        try {
            intent = attempts.changeThatMayHaveTakenEffect(attempt);
        } catch (RuntimeException unreadable) {
            // Found a moment ago: the answer stands, only its words are plainer.
            intent = Optional.empty();
        }
        return intent.map(IdempotentRequests::describedChange).orElse("the first request with this Idempotency-Key was "
                + "interrupted after its change was recorded, so it may have taken effect; it is not made again");
    }

    private static String describedChange(AuditHistoryEntry trace) {
        if (trace instanceof LaterReleaseEvent later) {
            // Written by a later release (ADR 0027, amended in session 49): this release cannot tell what it did.
            return "the first request with this Idempotency-Key was interrupted after a later release recorded it (its "
                    + "event " + later.sequence() + " holds " + later.unknownName() + ", which this release does not "
                    + "know), so it may have taken effect; it is not made again: its events are in the audit history "
                    + "(GET /api/v1/audit/events/?request_id=" + later.requestId().value() + ")";
        }
        AuditEvent intent = ((RecordedAuditEvent) trace).event();
        StringBuilder what = new StringBuilder(intent.operation().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '));
        Optional.ofNullable(intent.detail().get(AuditEvent.POLICY_ID)).ifPresent(policy -> what.append(" of policy ").append(policy));
        Optional.ofNullable(intent.detail().get(AuditEvent.HOLD_ID)).ifPresent(hold -> what.append(" of hold ").append(hold));
        return "the first request with this Idempotency-Key was interrupted after its change (" + what + ") was recorded, "
                + "so it may have taken effect; it is not made again: read what it changes now, and its events in the audit "
                + "history (GET /api/v1/audit/events/?request_id=" + intent.requestId().value() + ")";
    }

    /**
     * The key's bookkeeping around an answer already decided: its failure (the database busy or away) is logged, and
     * the answer (or the refusal, with its own status and Retry-After) goes out as it is, never a 500 in its place.
     */
    private void bookkeeping(HttpRequest<?> request, String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException failed) {
            bookkeepingFailed(request, what, failed);
        }
    }

    private void bookkeepingFailed(HttpRequest<?> request, String what, RuntimeException failed) {
        try (var id = LoggedRequestId.of(request)) {
            LOG.warn("could not {} {} {} under its Idempotency-Key (the key stays in flight until its lease ends): {}",
                    what, request.getMethodName(), request.getPath(), failed.getMessage());
        }
    }

    /**
     * After a failure that is not VPS.org's definite answer: frees the key for a retry only if this
     * request never reached the point of calling VPS.org (no operation of it exists). If it did,
     * VPS.org may have acted, so the key keeps an "interrupted" answer naming the operation and a
     * retry is never sent again. If even that cannot be told now, the key stays in flight until its
     * lease ends, and the takeover decides then.
     */
    private void releaseUnlessReached(HttpRequest<?> request, IdempotencyKey key, IdempotencyScope scope, OperationId holder) {
        boolean reached;
        try {
            reached = reached(scope, holder);
        } catch (RuntimeException unknown) {
            return;
        }
        if (reached) {
            bookkeeping(request, "keep the answer of", () -> records.complete(key, scope, holder,
                    stored(interrupted(request, scope, Optional.of(holder)), Optional.of(holder))));
        } else {
            bookkeeping(request, "free the key of", () -> records.release(key, scope, holder));
        }
    }

    private HttpResponse<?> runFirst(HttpRequest<?> request, IdempotencyKey key, IdempotencyScope scope, OperationId holder,
                                     Supplier<MutableHttpResponse<?>> action) {
        MutableHttpResponse<?> response;
        try {
            response = action.get();
        } catch (ProviderFailure unknown) {
            if (unknown.kind() == ProviderFailure.Kind.OUTCOME_UNKNOWN) {
                // As the exception handler answers it: naming the operation the tracker follows.
                // The operation named by the failure, as the answer names it (no read of the store, which may be away).
                bookkeeping(request, "keep the answer of", () -> records.complete(key, scope, holder,
                        stored(FacadeProblems.of(unknown, RequestAttributes.requestId(request), clock), unknown.operation())));
            } else {
                bookkeeping(request, "free the key of", () -> records.release(key, scope, holder));
            }
            throw unknown;
        } catch (InvalidRequest refused) {
            bookkeeping(request, "free the key of", () -> records.release(key, scope, holder));
            throw refused;
        } catch (PlatformUnavailable refused) {
            if (refused.attemptEndedBeforeTheProvider()) {
                // Its operation may be stored (before its intent, ADR 0084), but it is ended unsent: a retry with
                // the key runs as a first request (ADR 0027, amended session 38), never a false "interrupted".
                bookkeeping(request, "free the key of", () -> records.release(key, scope, holder));
            } else {
                releaseUnlessReached(request, key, scope, holder);
            }
            throw refused;
        } catch (RuntimeException failed) {
            // A refusal before the operation was stored has none and frees the key; anything after it may
            // have reached VPS.org (an unexpected error around the call, an outcome not written).
            releaseUnlessReached(request, key, scope, holder);
            throw failed;
        }
        boolean kept;
        try {
            kept = records.complete(key, scope, holder, stored(response, response.getHeaders()
                    .get(RequestAttributes.OPERATION_ID_HEADER, String.class).map(OperationId::parse)));
        } catch (RuntimeException notKept) {
            // What was done is answered as it was; the key stays in flight until its lease ends, and a retry then
            // finds this request's operation (interrupted: not sent again).
            bookkeepingFailed(request, "keep the answer of", notKept);
            return response;
        }
        if (!kept) {
            // Only when this request outlived its lease and a retry took the key over: the lease is too short.
            try (var id = LoggedRequestId.of(request)) {
                LOG.warn("{} {} outlived its Idempotency-Key lease of {} s; its answer is not kept for replays "
                        + "(raise vpsr.idempotency.lease above the longest request)", request.getMethodName(),
                        request.getPath(), lease.toSeconds());
            }
        }
        return response;
    }

    private StoredResponse stored(MutableHttpResponse<?> response, Optional<OperationId> operation) {
        try {
            byte[] bytes = response.getBody().isPresent() ? json.writeValueAsBytes(response.getBody().get()) : new byte[0];
            String contentType = response.getContentType().map(MediaType::toString).orElse(MediaType.APPLICATION_JSON);
            // Its ETag too (a policy's version, V67): a replay answers as the first did (session 48's review).
            return new StoredResponse(response.getStatus().getCode(), contentType, bytes, operation,
                    response.getHeaders().get(HttpHeaders.ETAG, String.class));
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the response for replay", e);
        }
    }
}
