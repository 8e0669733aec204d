package org.vpsrecovery.adapters.http.provider;

import io.micronaut.core.propagation.PropagatedContext;
import io.micronaut.http.client.exceptions.ContentLengthExceededException;
import io.micronaut.http.client.exceptions.HttpClientException;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import io.micronaut.json.JsonMapper;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.vpsrecovery.adapters.http.provider.ProviderFailures.Call;
import org.vpsrecovery.adapters.http.provider.ProviderFailures.Reply;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * Failures of a read as the outbound adapter itself makes them ({@link ProviderFailures}, {@link ProviderResilience}),
 * their operator's message and their words for the caller both: for tests of what the inbound adapters tell.
 */
public final class AdapterFailures {

    private static final Call LIST = new Call("list snapshots", false);
    private static final ProviderFailures FAILURES = new ProviderFailures(new ApiToken("demo-token"),
            JsonMapper.createDefault(), Clock.systemUTC());
    /** One attempt a call, as long as the test settings' connect and read timeouts. */
    private static final Duration LONGEST_ATTEMPT = Duration.ofSeconds(6);

    private AdapterFailures() {
    }

    public static ProviderFailure timedOut() {
        return FAILURES.fromTransport(LIST, ReadTimeoutException.TIMEOUT_EXCEPTION, false);
    }

    public static ProviderFailure unreachable() {
        return FAILURES.fromTransport(LIST, new HttpClientException("Connect Error: Connection refused: "
                + "api.vps.example/10.1.2.3:443", new ConnectException("Connection refused: api.vps.example/10.1.2.3:443")),
                false);
    }

    public static ProviderFailure answered500() {
        return FAILURES.fromStatus(LIST, new Reply(500, "{\"detail\": \"boom\"}".getBytes(StandardCharsets.UTF_8),
                Optional.empty()));
    }

    /** A create VPS.org refused with {@code status} and {@code body}, as the adapter reads it. */
    public static ProviderFailure createRefused(int status, String body) {
        return FAILURES.fromStatus(new Call("create a snapshot of server 12345", true),
                new Reply(status, body.getBytes(StandardCharsets.UTF_8), Optional.empty()));
    }

    /**
     * A list of {@code server} VPS.org answers at every read with a {@code count} of 3 and two points, no next link: read
     * over real HTTP on loopback, the failure the client gives up with.
     */
    public static ProviderFailure listInconsistent(long server) {
        String point = "{\"id\": %d, \"server\": {\"id\": " + server + ", \"name\": \"web\"}, \"name\": \"s%d\", "
                + "\"status\": \"completed\", \"size_mb\": 1, \"created_at\": \"2025-01-15T18:30:00Z\"}";
        String page = "{\"count\": 3, \"next\": null, \"results\": [" + point.formatted(801, 801) + ", "
                + point.formatted(802, 802) + "]}";
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) -> LoopbackProvider.json(exchange, 200,
                page)); VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(),
                "demo-token"))) {
            client.listSnapshots(Optional.of(new org.vpsrecovery.domain.server.ServerId(server)));
        } catch (ProviderFailure failure) {
            return failure;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("the list did not fail");
    }

    /**
     * A consistent list of {@code server} VPS.org answers in two pages, neither with a {@code count}: read over real HTTP
     * on loopback, the failure the client gives up with (nothing shows the list whole).
     */
    public static ProviderFailure listPagesWithoutCount(long server) {
        String point = "{\"id\": %d, \"server\": {\"id\": " + server + ", \"name\": \"web\"}, \"name\": \"s%d\", "
                + "\"status\": \"completed\", \"size_mb\": 1, \"created_at\": \"2025-01-15T18:30:00Z\"}";
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) -> {
            boolean second = String.valueOf(exchange.getRequestURI().getRawQuery()).contains("page=2");
            LoopbackProvider.json(exchange, 200, second ? "{\"next\": null, \"results\": [" + point.formatted(802, 802)
                    + "]}" : "{\"next\": \"" + base + "api/v1/snapshots/?server_id=" + server + "&page=2\", "
                    + "\"results\": [" + point.formatted(801, 801) + "]}");
        }); VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            client.listSnapshotsConsistently(Optional.of(new org.vpsrecovery.domain.server.ServerId(server)),
                    org.vpsrecovery.domain.port.ConsistentListBound.eachReadItsOwnDeadline());
        } catch (ProviderFailure failure) {
            return failure;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("the list did not fail");
    }

    /**
     * A list whose first page VPS.org answers, with a link to a second, only after the list's whole deadline (0.1 s) has
     * passed: read over real HTTP on loopback, the failure the client gives up with.
     */
    public static ProviderFailure listOutOfTime() {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            LoopbackProvider.json(exchange, 200, "{\"count\": 2, \"next\": \"" + base + "api/v1/snapshots/?page=2\", "
                    + "\"results\": []}");
        }); VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token")
                .withListDeadline(Duration.ofMillis(100)))) {
            client.listSnapshots(Optional.empty());
        } catch (ProviderFailure failure) {
            return failure;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new AssertionError("the list did not fail");
    }

    public static ProviderFailure tooLarge() {
        return FAILURES.fromTransport(LIST, new ContentLengthExceededException(1024), false);
    }

    /** A read whose connection VPS.org dropped before its answer came (at every try). */
    public static ProviderFailure dropped() {
        return FAILURES.fromTransport(LIST, new java.io.IOException("Connection reset by peer"), false);
    }

    /** A read this instance's closed client never sent. */
    public static ProviderFailure clientClosed() {
        return FAILURES.fromTransport(LIST, new ProviderFailures.ClientClosed(), false);
    }

    /** A read for a request with too little time left for one attempt: never sent. */
    public static ProviderFailure outOfRequestTime() {
        ProviderDeadline deadline = new ProviderDeadline(System.nanoTime() + Duration.ofMillis(10).toNanos());
        try (PropagatedContext.Scope ignored = PropagatedContext.getOrEmpty().plus(deadline).propagate()) {
            return failureOf(resilience(), () -> null);
        }
    }

    /** A read refused by the circuit an earlier call's 500 opened: never sent. */
    public static ProviderFailure circuitOpen() {
        ProviderResilience resilience = resilience();
        failureOf(resilience, () -> {
            throw answered500();
        });
        return failureOf(resilience, () -> null);
    }

    /** A read held back by a 429 an earlier call heard: never sent. */
    public static ProviderFailure heldBack() {
        ProviderResilience resilience = resilience();
        heardA429(resilience);
        return failureOf(resilience, () -> null);
    }

    /** {@code last}, never sent, as a read whose earlier try was sent fails with it. */
    public static ProviderFailure afterAnEarlierTryWasSent(ProviderFailure last) {
        return last.afterAnEarlierTryWasSent();
    }

    private static void heardA429(ProviderResilience resilience) {
        failureOf(resilience, () -> {
            throw FAILURES.fromStatus(LIST, new Reply(429, new byte[0], Optional.of("120")));
        });
    }

    private static ProviderResilience resilience() {
        return new ProviderResilience(new VpsOrgSettings.Retry(1, Duration.ofMillis(10), Duration.ofMillis(50), 0.25,
                Duration.ofSeconds(2)), new VpsOrgSettings.CircuitBreaker(1, 1, Duration.ofMinutes(1)),
                VpsOrgSettings.Pool.defaults(), LONGEST_ATTEMPT, Duration.ofMinutes(1), Duration.ofSeconds(1));
    }

    private static ProviderFailure failureOf(ProviderResilience resilience,
                                             dev.failsafe.function.CheckedSupplier<Object> attempt) {
        try {
            resilience.safe(LIST.description(), attempt);
        } catch (ProviderFailure failure) {
            return failure;
        }
        throw new AssertionError("the read did not fail");
    }
}
