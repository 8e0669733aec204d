package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.body.MessageBodyHandlerRegistry;
import io.micronaut.http.client.netty.DefaultHttpClient;
import io.micronaut.http.codec.MediaTypeCodecRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.Description;
import org.vpsrecovery.domain.port.BackupProvider;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.SnapshotProvider;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;
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
     * The client's HTTP client reads and writes bodies with the context's registries: Micronaut's defaults, built when
     * none are given, start a second, serde-only application context ({@code JsonMapper.createDefault()}) on the thread
     * that builds the client, the start's main thread (ADR 0133, amended in session 43). Bodies still go out and come
     * back as the bytes the client maps: a create's JSON, its answer, an error's detail, a list.
     */
    @Test
    void theHttpClientUsesTheContextsBodyRegistriesAndBodiesStillRoundTrip() throws Exception {
        try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults());
             ApplicationContext context = ApplicationContext.run(Map.of(
                     "vpsorg.base-url", simulator.baseUri().toString(),
                     "vpsorg.api-token", "demo-token"))) {
            VpsOrgClient client = context.getBean(VpsOrgClient.class);

            assertThat(client.http()).isInstanceOfSatisfying(DefaultHttpClient.class, http -> {
                assertThat(http.getHandlerRegistry()).isSameAs(context.getBean(MessageBodyHandlerRegistry.class));
                assertThat(http.getMediaTypeCodecRegistry()).isSameAs(context.getBean(MediaTypeCodecRegistry.class));
            });

            Snapshot created = client.createSnapshot(new SnapshotDraft(new ServerId(12345),
                    new SnapshotName("before-update"), Optional.of(new Description("before the update"))));
            assertThat(created.name()).isEqualTo("before-update");
            assertThat(created.description()).isEqualTo("before the update");
            assertThat(new ObjectMapper().readTree(simulator.requests().stream()
                    .filter(r -> r.method().equals("POST")).findFirst().orElseThrow().body())).isEqualTo(new ObjectMapper()
                    .readTree("{\"server_id\": 12345, \"name\": \"before-update\", \"description\": \"before the update\"}"));
            assertThat(catchThrowableOfType(ProviderFailure.class, () -> client.deleteSnapshot(new SnapshotId(4242))))
                    .satisfies(failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.NOT_FOUND))
                    .hasMessageContaining("Snapshot not found.");
            assertThat(client.listSnapshotsWhenAnswered(Optional.empty(), Runnable::run).get(30, TimeUnit.SECONDS))
                    .extracting(Snapshot::id).contains(created.id());
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
        assertThat(settings.listDeadline()).isEqualTo(Duration.ofSeconds(75));
    }

    @Test
    void theListDeadlineIsBoundAndAZeroOneFailsNamingTheKey() {
        assertThat(settingsOf(Map.of("vpsorg.api-token", "t0ken", "vpsorg.list-deadline", "20s")).listDeadline())
                .isEqualTo(Duration.ofSeconds(20));
        assertThat(catchThrowable(() -> settingsOf(Map.of("vpsorg.api-token", "t0ken", "vpsorg.list-deadline", "0s"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.list-deadline");
    }

    @Test
    void theLargestAnswerAndTheMostItemsOfAListAreBoundAndOutOfRangeOnesFailNamingTheKey() {
        VpsOrgSettings defaults = settingsOf(Map.of("vpsorg.api-token", "t0ken"));
        assertThat(defaults.maxResponseSize()).isEqualTo(8 * 1024 * 1024);
        assertThat(defaults.maxListItems()).isEqualTo(20_000);
        assertThat(settingsOf(Map.of("vpsorg.api-token", "t0ken", "vpsorg.max-response-size", "131072",
                "vpsorg.max-list-items", "500"))).satisfies(s -> {
                    assertThat(s.maxResponseSize()).isEqualTo(131_072);
                    assertThat(s.maxListItems()).isEqualTo(500);
                });
        assertThat(catchThrowable(() -> settingsOf(Map.of("vpsorg.api-token", "t0ken", "vpsorg.max-response-size", "100000000"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.max-response-size");
        assertThat(catchThrowable(() -> settingsOf(Map.of("vpsorg.api-token", "t0ken", "vpsorg.max-list-items", "0"))))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.max-list-items");
    }

    @Test
    void aMissingTokenFailsAtStartupNamingTheKey() {
        Throwable failure = catchThrowable(() -> settingsOf(Map.of()));

        assertThat(failure).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.api-token");
    }

    @Test
    void theTokenIsNeverSentOverPlainHttpBeyondLoopback() {
        Throwable remote = catchThrowable(() -> settingsOf(Map.of(
                "vpsorg.api-token", "s3cr3t-token", "vpsorg.base-url", "http://admin.vps.org")));

        assertThat(remote).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("vpsorg.base-url must be https (http only on loopback)")
                .hasMessageNotContaining("s3cr3t");
        // The simulator of this class's other tests answers over http on loopback.
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token", "vpsorg.base-url", "http://localhost:9/"))
                .baseUrl()).isEqualTo(URI.create("http://localhost:9/"));
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

    /** {@code vpsorg.max-hold}: a minute unless set, bound from its key, and refused at start unless positive. */
    @Test
    void theLongestHoldAfterA429IsAMinuteByDefaultBoundAndRefusedUnlessPositive() {
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token")).maxHold()).isEqualTo(Duration.ofMinutes(1));
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token", "vpsorg.max-hold", "15s")).maxHold())
                .isEqualTo(Duration.ofSeconds(15));
        for (String bad : java.util.List.of("0s", "-1s", "soon", "61m", "3000000000h")) {
            assertThat(catchThrowable(() -> settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token", "vpsorg.max-hold", bad))))
                    .as(bad).isInstanceOf(ConfigurationException.class).hasMessageContaining("vpsorg.max-hold")
                    .hasMessageNotContaining("s3cr3t");
        }
    }

    /**
     * {@code vpsorg.hold-without-retry-after}: a second unless set, bound from its key, and refused at start unless
     * positive and at most {@code vpsorg.max-hold} (a constant second before session 52; ADR 0010).
     */
    @Test
    void theHoldAfterA429WithoutRetryAfterIsASecondByDefaultBoundAndRefusedUnlessWithinTheMaxHold() {
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token")).holdWithoutRetryAfter())
                .isEqualTo(Duration.ofSeconds(1));
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token", "vpsorg.hold-without-retry-after", "5s"))
                .holdWithoutRetryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token", "vpsorg.hold-without-retry-after", "15s",
                "vpsorg.max-hold", "15s")).holdWithoutRetryAfter()).isEqualTo(Duration.ofSeconds(15));
        for (String bad : java.util.List.of("0s", "-1s", "soon", "61s")) {
            assertThat(catchThrowable(() -> settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token",
                    "vpsorg.hold-without-retry-after", bad))))
                    .as(bad).isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("vpsorg.hold-without-retry-after").hasMessageNotContaining("s3cr3t");
        }
        assertThat(catchThrowable(() -> settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token",
                "vpsorg.hold-without-retry-after", "20s", "vpsorg.max-hold", "10s"))))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("vpsorg.hold-without-retry-after must be at most vpsorg.max-hold (PT10S), was PT20S");
        // Own-merge review: a max-hold under a second, valid before the setting, must not refuse the start over a key
        // the operator never set; unset, the hold is then the max-hold.
        assertThat(settingsOf(Map.of("vpsorg.api-token", "s3cr3t-token", "vpsorg.max-hold", "500ms"))
                .holdWithoutRetryAfter()).isEqualTo(Duration.ofMillis(500));
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

    /**
     * A request's VPS.org calls end within two thirds of the server's idle timeout (ADR 0010, amended in session 45):
     * a read timeout that leaves not even one attempt room there is refused when the client is built, its keys named.
     */
    @Test
    void aReadTimeoutThatLeavesNoAttemptWithinTheIdleTimeoutIsRefused() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "vpsorg.base-url", "http://127.0.0.1:9/",
                "vpsorg.api-token", "demo-token",
                "micronaut.server.idle-timeout", "3s",
                "vpsorg.connect-timeout", "500ms",
                "vpsorg.read-timeout", "2s"))) {
            assertThatThrownBy(() -> context.getBean(VpsOrgClient.class))
                    .hasStackTraceContaining("vpsorg.read-timeout (2000 ms) + vpsorg.connect-timeout (500 ms) must be "
                            + "shorter than two thirds of micronaut.server.idle-timeout (2000 ms of 3000 ms)");
        }
    }

    @Test
    void aReadTimeoutThatLeavesAnAttemptWithinTheIdleTimeoutIsTaken() {
        try (ApplicationContext context = ApplicationContext.run(Map.of(
                "vpsorg.base-url", "http://127.0.0.1:9/",
                "vpsorg.api-token", "demo-token",
                "micronaut.server.idle-timeout", "3s",
                "vpsorg.connect-timeout", "500ms",
                "vpsorg.read-timeout", "1s"))) {
            assertThat(context.getBean(VpsOrgClient.class).settings().readTimeout()).isEqualTo(Duration.ofSeconds(1));
        }
    }
}
