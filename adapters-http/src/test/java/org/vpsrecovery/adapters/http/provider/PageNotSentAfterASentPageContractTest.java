package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.facade.FacadeProblems;
import org.vpsrecovery.domain.port.ConsistentListBound;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;

/**
 * A list whose first page, or first read, was sent and whose next page or read is held back by a 429 another call heard
 * meanwhile, over real HTTP on loopback: the list was sent, so its failure is not "never sent" and tells the caller no
 * "nothing was sent" nor "VPS.org was not called" (ADR 0010, amended in session 52). Each page is its own retried
 * read, so only the list knows an earlier page was sent.
 */
class PageNotSentAfterASentPageContractTest {

    private static final String SNAPSHOTS = "/api/v1/snapshots/";

    /** The provider's threads: a page's answer waits for another call, which the provider answers meanwhile. */
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final AtomicReference<VpsOrgClient> client = new AtomicReference<>();
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private HttpServer provider;

    @AfterEach
    void stop() {
        if (client.get() != null) {
            client.get().close();
        }
        if (provider != null) {
            provider.stop(0);
        }
        threads.shutdownNow();
    }

    /** Another call of the same client is answered 429 with a Retry-After past the retry cap: the client holds back. */
    private void anotherCallHearsA429() throws IOException {
        try {
            threads.submit(() -> catchThrowableOfType(ProviderFailure.class,
                    () -> client.get().listBackups(Optional.empty(), Optional.empty()))).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IOException(e);
        }
        assertThat(client.get().heldBackFor()).as("the 429 holds the client's calls back").isPresent();
    }

    private VpsOrgClient start(Answer snapshots) throws IOException {
        provider = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        provider.setExecutor(threads);
        URI base = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                + provider.getAddress().getPort() + "/");
        provider.createContext("/", exchange -> {
            String path = exchange.getRequestURI().toString();
            asked.add(path);
            if (path.startsWith("/api/v1/backups/")) {
                exchange.getResponseHeaders().set("Retry-After", "120");
                LoopbackProvider.json(exchange, 429, "{\"detail\": \"Request was throttled.\"}");
                return;
            }
            snapshots.answer(exchange, base, path);
        });
        provider.start();
        client.set(VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token")));
        return client.get();
    }

    @FunctionalInterface
    private interface Answer {
        void answer(HttpExchange exchange, URI base, String path) throws IOException;
    }

    @Test
    void aPageHeldBackAfterTheFirstWasSentFailsTheListAsSentInWordsThatSaySo() throws IOException {
        VpsOrgClient vpsOrg = start((exchange, base, path) -> {
            if (path.equals(SNAPSHOTS)) {
                anotherCallHearsA429();
                LoopbackProvider.json(exchange, 200, page(2, base + "api/v1/snapshots/?page=2", snapshot(802)));
            } else {
                LoopbackProvider.json(exchange, 200, page(2, null, snapshot(801)));
            }
        });

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> vpsOrg.listSnapshots(Optional.empty()));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).isPresent();
        assertThat(failure.neverSent()).as("its first page was sent").isFalse();
        assertSaidWithoutNothingSent(failure);
        assertThat(FacadeProblems.detailOf(failure)).contains("held back");
        assertThat(asked).as("page 2 held back").doesNotContain(SNAPSHOTS + "?page=2");
    }

    @Test
    void aConsistentListsLaterReadHeldBackFailsTheListAsSent() throws IOException {
        AtomicInteger secondPages = new AtomicInteger();
        VpsOrgClient vpsOrg = start((exchange, base, path) -> {
            if (path.equals(SNAPSHOTS)) {
                LoopbackProvider.json(exchange, 200, page(2, base + "api/v1/snapshots/?page=2", snapshot(802)));
            } else {
                if (secondPages.incrementAndGet() == 1) {
                    anotherCallHearsA429();
                }
                LoopbackProvider.json(exchange, 200, page(2, null, snapshot(801)));
            }
        });

        ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                () -> vpsOrg.listSnapshotsConsistently(Optional.empty(), ConsistentListBound.eachReadItsOwnDeadline()));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.neverSent()).as("its first read was sent").isFalse();
        assertSaidWithoutNothingSent(failure);
        assertThat(asked.stream().filter(SNAPSHOTS::equals)).as("the later read held back").hasSize(1);
    }

    /**
     * What the caller is told: the inbound adapter's words for a call whose last try alone was not sent, not the
     * operator's, and not that nothing was sent (session 53).
     */
    static void assertSaidWithoutNothingSent(ProviderFailure failure) {
        assertThat(failure.earlierTrySent()).isTrue();
        assertThat(FacadeProblems.detailOf(failure)).isNotEqualTo(failure.getMessage())
                .doesNotContain("nothing was sent").doesNotContain("was not called");
    }

    private static String page(long count, String next, String... results) {
        return """
                {"count": %d, "next": %s, "previous": null, "results": [%s]}"""
                .formatted(count, next == null ? "null" : '"' + next + '"', String.join(", ", results));
    }

    private static String snapshot(long id) {
        return """
                {"id": %d, "server": {"id": 12345, "name": "web-server-01"}, "name": "s%d", "status": "completed",
                 "size_mb": 1, "created_at": "2025-01-15T18:30:00Z"}""".formatted(id, id);
    }
}
