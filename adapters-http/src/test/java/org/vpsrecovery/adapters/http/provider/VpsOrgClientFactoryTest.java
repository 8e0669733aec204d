package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.netty.channel.EventLoopGroupRegistry;
import io.netty.channel.EventLoop;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/** The {@code vpsorg.*} keys, bound by Micronaut and read by the factory into checked settings and a working client. */
class VpsOrgClientFactoryTest {

    @Test
    void theApplicationContextProvidesBothPortsConfiguredFromProperties() {
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             ApplicationContext context = ApplicationContext.run(Map.of(
                     "vpsorg.base-url", simulator.baseUri().toString(),
                     "vpsorg.api-token", "demo-token",
                     "vpsorg.read-timeout", "3s",
                     "vpsorg.pool.max-connections", "4",
                     "vpsorg.retry.initial-delay", "50ms",
                     "vpsorg.circuit-breaker.open-for", "1m"))) {
            SnapshotProvider snapshots = context.getBean(SnapshotProvider.class);
            BackupProvider backups = context.getBean(BackupProvider.class);

            assertThat(snapshots).isSameAs(backups).isInstanceOf(VpsOrgClient.class);
            VpsOrgSettings settings = ((VpsOrgClient) snapshots).settings();
            assertThat(settings.baseUrl()).isEqualTo(URI.create(simulator.baseUri() + "/"));
            assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(settings.pool().maxConnections()).isEqualTo(4);
            assertThat(settings.retry().initialDelay()).isEqualTo(Duration.ofMillis(50));
            assertThat(settings.circuitBreaker().openFor()).isEqualTo(Duration.ofMinutes(1));
            assertThat(snapshots.listSnapshots(Optional.empty())).hasSize(2);
            assertThat(simulator.requests()).singleElement()
                    .satisfies(r -> assertThat(r.header("Authorization")).hasValue("Bearer demo-token"));
        }
    }

    /**
     * ADR 0096: the list's non-blocking read asked from one of the HTTP server's event loops (the context's default
     * group, the one the server serves on) is answered on that same loop, so the answer is written without a hand-off
     * to another thread; the blocking calls still work from a thread of their own.
     */
    @Test
    void theListAskedFromTheServersEventLoopIsAnsweredOnThatLoop() throws Exception {
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             ApplicationContext context = ApplicationContext.run(Map.of(
                     "vpsorg.base-url", simulator.baseUri().toString(),
                     "vpsorg.api-token", "demo-token"));
             ExecutorService blocking = Executors.newVirtualThreadPerTaskExecutor()) {
            VpsOrgClient client = context.getBean(VpsOrgClient.class);
            EventLoop serversLoop = context.getBean(EventLoopGroupRegistry.class).getDefaultEventLoopGroup().next();

            for (int call = 0; call < 3; call++) {
                CompletableFuture<String> answeredOn = new CompletableFuture<>();
                CompletableFuture<Integer> listed = new CompletableFuture<>();
                serversLoop.execute(() -> client.listSnapshotsWhenAnswered(Optional.empty(), blocking)
                        .whenComplete((snapshots, failure) -> {
                            answeredOn.complete(serversLoop.inEventLoop() ? "the loop that asked" : Thread.currentThread().getName());
                            if (failure != null) {
                                listed.completeExceptionally(failure);
                            } else {
                                listed.complete(snapshots.size());
                            }
                        }));
                assertThat(listed.get(30, TimeUnit.SECONDS)).isEqualTo(2);
                assertThat(answeredOn.get(30, TimeUnit.SECONDS)).isEqualTo("the loop that asked");
            }
            assertThat(client.listSnapshots(Optional.empty())).hasSize(2);
            assertThat(simulator.requests()).hasSize(4);
        }
    }

    @Test
    void defaultsPointAtTheRealProvider() {
        VpsOrgSettings settings = settingsOf(Map.of("vpsorg.api-token", "t0ken"));

        assertThat(settings.baseUrl()).isEqualTo(URI.create("https://admin.vps.org/"));
        assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(settings.pool()).isEqualTo(VpsOrgSettings.Pool.defaults());
        assertThat(settings.retry()).isEqualTo(VpsOrgSettings.Retry.defaults());
        assertThat(settings.circuitBreaker()).isEqualTo(VpsOrgSettings.CircuitBreaker.defaults());
        assertThat(settings.maxPages()).isEqualTo(100);
    }

    @Test
    void aMissingTokenFailsAtStartupNamingTheKey() {
        Throwable failure = catchThrowable(() -> settingsOf(Map.of()));

        assertThat(failure).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.api-token");
    }

    @Test
    void badValuesFailNamingTheKeyButNeverTheToken() {
        Throwable badTimeout = catchThrowable(() -> settingsOf(Map.of(
                "vpsorg.api-token", "s3cr3t-token", "vpsorg.read-timeout", "soon")));
        Throwable badUrl = catchThrowable(() -> settingsOf(Map.of(
                "vpsorg.api-token", "s3cr3t-token", "vpsorg.base-url", "ftp://admin.vps.org")));
        Throwable badToken = catchThrowable(() -> settingsOf(Map.of(
                "vpsorg.api-token", "s3cr3t token with spaces")));
        Throwable badPool = catchThrowable(() -> settingsOf(Map.of(
                "vpsorg.api-token", "s3cr3t-token", "vpsorg.pool.max-pending", "0")));

        Throwable notANumber = catchThrowable(() -> settingsOf(Map.of(
                "vpsorg.api-token", "s3cr3t-token", "vpsorg.circuit-breaker.window", "many")));

        assertThat(notANumber).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("vpsorg.circuit-breaker.window").hasMessageNotContaining("Path Taken");
        assertThat(badTimeout).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.read-timeout");
        assertThat(badUrl).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.base-url");
        assertThat(badToken).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.api-token");
        assertThat(badPool).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.pool.max-pending");
        assertThat(java.util.List.of(badTimeout, badUrl, badToken, badPool, notANumber))
                .allSatisfy(e -> assertThat(e.getMessage()).doesNotContain("s3cr3t"));
    }

    @Test
    void theTokenNeverAppearsInSettingsOrClientText() {
        VpsOrgSettings settings = VpsOrgSettings.defaults(URI.create("https://admin.vps.org"), new ApiToken("s3cr3t-token"));

        assertThat(settings.toString()).doesNotContain("s3cr3t").contains("ApiToken[***]");
        assertThat(settings.apiToken().toString()).isEqualTo("ApiToken[***]");
    }

    /** The settings Micronaut binds from {@code values}, as the factory reads them. */
    private static VpsOrgSettings settingsOf(Map<String, Object> values) {
        try (ApplicationContext context = ApplicationContext.run(values)) {
            return VpsOrgClientFactory.settings(context);
        }
    }
}
