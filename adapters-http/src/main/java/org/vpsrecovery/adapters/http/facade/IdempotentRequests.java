package org.vpsrecovery.adapters.http.facade;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.json.JsonMapper;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.vpsrecovery.domain.common.RecoveryException;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.idempotency.BeginResult;
import org.vpsrecovery.domain.idempotency.IdempotencyKey;
import org.vpsrecovery.domain.idempotency.RequestFingerprint;
import org.vpsrecovery.domain.idempotency.StoredResponse;
import org.vpsrecovery.domain.port.IdempotencyRecords;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * {@code Idempotency-Key} on the POSTs, after the IETF httpapi draft: the first request with a key
 * runs and its answer is kept for {@link #KEY_LIFETIME}; a replay (same key, method, path and body)
 * gets that answer again without touching the provider; the same key with another request is 422;
 * a replay while the first still runs is 409. Keys are scoped per team. Only answers that must not
 * be repeated are kept: successes, and "outcome unknown" (504); after any other error the key is
 * freed so the client may retry with it.
 */
@Singleton
public class IdempotentRequests {

    public static final String HEADER = "Idempotency-Key";
    public static final String REPLAYED_HEADER = "Idempotent-Replayed";
    public static final Duration KEY_LIFETIME = Duration.ofHours(24);

    private final IdempotencyRecords records;
    private final JsonMapper json;
    private final Clock clock;

    public IdempotentRequests(IdempotencyRecords records, JsonMapper json, Clock clock) {
        this.records = records;
        this.json = json;
        this.clock = clock;
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
        TeamId team = RequestAttributes.callContext(request).team();
        RequestFingerprint fingerprint = RequestFingerprint.of(request.getMethodName(), request.getPath(),
                (body == null ? "" : body).getBytes(StandardCharsets.UTF_8));
        BeginResult begun = records.begin(key, team, fingerprint, clock.instant().plus(KEY_LIFETIME));
        return switch (begun) {
            case BeginResult.Replay replay -> HttpResponse.status(HttpStatus.valueOf(replay.response().status()))
                    .contentType(replay.response().contentType())
                    .header(REPLAYED_HEADER, "true")
                    .body(new String(replay.response().body(), StandardCharsets.UTF_8));
            case BeginResult.InFlight inFlight -> FacadeProblems.respond(HttpStatus.CONFLICT,
                            "a request with this Idempotency-Key is still being processed; retry shortly",
                            RequestReason.IDEMPOTENT_REQUEST_IN_PROGRESS.name(), RequestAttributes.requestId(request), HEADER)
                    .header("Retry-After", "1");
            case BeginResult.FingerprintMismatch mismatch -> FacadeProblems.respond(HttpStatus.UNPROCESSABLE_ENTITY,
                    "this Idempotency-Key was used for a different request", RequestReason.IDEMPOTENCY_KEY_REUSED.name(),
                    RequestAttributes.requestId(request), HEADER);
            case BeginResult.Started started -> runFirst(request, key, team, action);
        };
    }

    private HttpResponse<?> runFirst(HttpRequest<?> request, IdempotencyKey key, TeamId team,
                                     Supplier<MutableHttpResponse<?>> action) {
        MutableHttpResponse<?> response;
        try {
            response = action.get();
        } catch (ProviderFailure unknown) {
            if (unknown.kind() == ProviderFailure.Kind.OUTCOME_UNKNOWN) {
                records.complete(key, team, stored(FacadeProblems.of(unknown, RequestAttributes.requestId(request))));
            } else {
                records.release(key, team);
            }
            throw unknown;
        } catch (RecoveryException | InvalidRequest refused) {
            records.release(key, team);
            throw refused;
        } catch (RuntimeException unexpected) {
            records.release(key, team);
            throw unexpected;
        }
        records.complete(key, team, stored(response));
        return response;
    }

    private StoredResponse stored(MutableHttpResponse<?> response) {
        try {
            byte[] bytes = response.getBody().isPresent() ? json.writeValueAsBytes(response.getBody().get()) : new byte[0];
            String contentType = response.getContentType().map(MediaType::toString).orElse(MediaType.APPLICATION_JSON);
            return new StoredResponse(response.getStatus().getCode(), contentType, bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not keep the response for replay", e);
        }
    }
}
