package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.backup.BackupType;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.simulator.Fault;
import org.vpsrecovery.simulator.RecordedRequest;

/** {@code next} links, which the documentation does not promise but the adapter follows, within a page cap. */
class PaginationContractTest {

    private HttpServer stub;

    @AfterEach
    void stopStub() {
        if (stub != null) {
            stub.stop(0);
        }
    }

    @Test
    void followsNextLinksAcrossPagesKeepingTheFilters() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(1), settings -> settings)) {
            assertThat(vpsOrg.client.listBackups(Optional.of(new ServerId(12345)), Optional.of(BackupType.Kind.AUTOMATIC)))
                    .extracting(b -> b.id().value()).containsExactly(501L, 495L);
            assertThat(vpsOrg.client.listSnapshots(Optional.empty())).extracting(s -> s.id().value())
                    .containsExactly(801L, 798L);

            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).extracting(RecordedRequest::query).containsExactly(
                    "server_id=12345&backup_type=automatic", "server_id=12345&backup_type=automatic&page=2");
            assertThat(vpsOrg.received("GET", "/api/v1/snapshots/")).extracting(RecordedRequest::query)
                    .containsExactly("", "page=2");
            assertThat(vpsOrg.received()).allSatisfy(r -> assertThat(r.header("Authorization")).hasValue("Bearer demo-token"));
        }
    }

    @Test
    void aPageThatFailsOnceIsRetriedOnItsOwn() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(2), settings -> settings)) {
            vpsOrg.simulator.faults().add(Fault.serverError(503).on("GET", "/api/v1/backups/").times(1));

            assertThat(vpsOrg.client.listBackups(Optional.empty(), Optional.empty())).hasSize(3);
            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).extracting(RecordedRequest::query)
                    .containsExactly("", "", "page=2");
        }
    }

    @Test
    void aNextLinkToAnotherOriginIsNotFollowedSoTheTokenStaysHome() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(
                options -> options.withPageSize(1).withAdvertisedUrl(java.net.URI.create("https://elsewhere.example")),
                settings -> settings)) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> vpsOrg.client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("leaves the provider's origin");
            assertThat(vpsOrg.received()).hasSize(1);
        }
    }

    @Test
    void neverReadsMoreThanTheConfiguredNumberOfPages() {
        try (SimulatedVpsOrg vpsOrg = SimulatedVpsOrg.start(options -> options.withPageSize(1),
                settings -> settings.withMaxPages(2))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class,
                    () -> vpsOrg.client.listBackups(Optional.empty(), Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("vpsorg.max-pages=2");
            assertThat(vpsOrg.received("GET", "/api/v1/backups/")).hasSize(2);
        }
    }

    /** Page-number paging and an item added between page reads: page 2 repeats page 1's last item. */
    @Test
    void anItemRepeatedOnTheNextPageIsListedOnce() throws Exception {
        URI base = startStub(Map.of(
                "/api/v1/snapshots/", Map.of("", page("{BASE}api/v1/snapshots/?page=2", snapshot(803), snapshot(802)),
                        "page=2", page(null, snapshot(802), snapshot(801))),
                "/api/v1/backups/", Map.of("", page("{BASE}api/v1/backups/?page=2", backup(503), backup(502)),
                        "page=2", page(null, backup(502), backup(501)))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value())
                    .containsExactly(803L, 802L, 801L);
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(803L, 802L, 801L);
            assertThat(client.listBackups(Optional.empty(), Optional.empty())).extracting(b -> b.id().value())
                    .containsExactly(503L, 502L, 501L);
        }
    }

    /** A relative {@code next} is resolved against the URL of the page it came from (RFC 3986), not the base URL. */
    @Test
    void aRelativeNextLinkIsReadAgainstItsOwnPage() throws Exception {
        URI base = startStub(Map.of("/api/v1/snapshots/", Map.of("", page("?page=2", snapshot(802)),
                "page=2", page(null, snapshot(801)))));
        try (VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(base, "demo-token"));
             ExecutorService blocking = Executors.newCachedThreadPool()) {
            assertThat(client.listSnapshots(Optional.empty())).extracting(s -> s.id().value()).containsExactly(802L, 801L);
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), blocking).get(30, TimeUnit.SECONDS))
                    .extracting(s -> s.id().value()).containsExactly(802L, 801L);
        }
    }

    /** A provider on loopback answering each path and query with its page ({@code {BASE}}: its own base URL); else 404. */
    private URI startStub(Map<String, Map<String, String>> pages) throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        URI base = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + stub.getAddress().getPort() + "/");
        stub.createContext("/", exchange -> {
            String query = exchange.getRequestURI().getRawQuery();
            String body = pages.getOrDefault(exchange.getRequestURI().getRawPath(), Map.of())
                    .get(query == null ? "" : query);
            byte[] bytes = (body == null ? """
                    {"detail": "Not found."}""" : body.replace("{BASE}", base.toString()))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        stub.start();
        return base;
    }

    private static String page(String next, String... results) {
        return """
                {"count": 3, "next": %s, "previous": null, "results": [%s]}"""
                .formatted(next == null ? "null" : '"' + next + '"', String.join(", ", results));
    }

    private static String snapshot(long id) {
        return """
                {"id": %d, "server": {"id": 12345, "name": "web-server-01"}, "name": "s%d", "status": "completed",
                 "size_mb": 1, "created_at": "2025-01-15T18:30:00Z"}""".formatted(id, id);
    }

    private static String backup(long id) {
        return """
                {"id": %d, "server": {"id": 12345, "name": "web-server-01"}, "backup_type": "manual", "status": "completed",
                 "size_mb": 1, "created_at": "2025-01-15T18:30:00Z", "expires_at": null}""".formatted(id);
    }
}
