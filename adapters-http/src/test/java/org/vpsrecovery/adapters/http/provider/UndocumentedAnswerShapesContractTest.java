package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.micronaut.http.client.DefaultHttpClientConfiguration;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.ssl.ClientSslConfiguration;
import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * Answers VPS.org may give in shapes its documentation does not show, over real HTTP on loopback (session 50): a DRF
 * behind a TLS terminator, whose {@code next} links say {@code http} of the base's own host, and a limit told in a
 * field error.
 */
class UndocumentedAnswerShapesContractTest {

    private static final char[] PASSWORD = "loopback".toCharArray();
    private static final String HOST = InetAddress.getLoopbackAddress().getHostAddress();

    @TempDir
    static Path keys;
    private static SSLContext tls;

    /** A key for {@code HOST}, made by the JDK's keytool: the test's TLS provider serves it, its client trusts all. */
    @BeforeAll
    static void makeAKey() throws Exception {
        Path store = keys.resolve("loopback.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "loopback", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + HOST,
                "-ext", "SAN=ip:" + HOST, "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(),
                "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
                .redirectErrorStream(true).start();
        String said = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).as("keytool ended").isTrue();
        assertThat(keytool.exitValue()).as(said).isZero();
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keyStore.load(in, PASSWORD);
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, PASSWORD);
        tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
    }

    @AfterAll
    static void forgetTheKey() {
        tls = null;
    }

    /**
     * Behind a TLS terminator DRF builds links from the plain-http request it sees. A next link of the base's host
     * without a port is followed over https on the base's port, the token never sent over plain http.
     */
    @Test
    void anHttpNextLinkOfTheBasesOwnHostIsFollowedOverHttps() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpsServer provider = tlsProvider(exchange -> {
            asked.add(exchange.getRequestURI().toString());
            boolean second = "page=2".equals(exchange.getRequestURI().getRawQuery());
            LoopbackProvider.json(exchange, 200, second ? page(null, snapshot(798))
                    : page("http://" + HOST + "/api/v1/snapshots/?page=2", snapshot(801)));
        });
        try (VpsOrgClient client = trustingClient(URI.create("https://" + HOST + ":" + provider.getAddress().getPort()))) {
            List<Snapshot> snapshots = client.listSnapshots(Optional.empty());

            assertThat(snapshots).extracting(s -> s.id().value()).containsExactly(801L, 798L);
            assertThat(asked).containsExactly("/api/v1/snapshots/", "/api/v1/snapshots/?page=2");
        } finally {
            provider.stop(0);
        }
    }

    /** Only the base's own host is read so: an http link to another host stays refused, the token kept home. */
    @Test
    void anHttpNextLinkOfAnotherHostIsStillRefused() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        HttpsServer provider = tlsProvider(exchange -> {
            asked.add(exchange.getRequestURI().toString());
            LoopbackProvider.json(exchange, 200, page("http://elsewhere.example/api/v1/snapshots/?page=2", snapshot(801)));
        });
        try (VpsOrgClient client = trustingClient(URI.create("https://" + HOST + ":" + provider.getAddress().getPort()))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(failure.getMessage()).contains("leaves the provider's origin");
            assertThat(asked).hasSize(1);
        } finally {
            provider.stop(0);
        }
    }

    /** Never the reverse: a base of plain http does not follow an https link, even of its own host and port. */
    @Test
    void anHttpsNextLinkOfAPlainHttpBaseIsStillRefused() throws Exception {
        List<String> asked = new CopyOnWriteArrayList<>();
        try (LoopbackProvider provider = LoopbackProvider.answering((exchange, base) -> {
            asked.add(exchange.getRequestURI().toString());
            LoopbackProvider.json(exchange, 200, page("https://" + base.getAuthority() + "/api/v1/snapshots/?page=2",
                    snapshot(801)));
        });
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(provider.base(), "demo-token"))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> client.listSnapshots(Optional.empty()));

            assertThat(failure.kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
            assertThat(asked).hasSize(1);
        }
    }

    /** A DRF field error at the limit ({@code server_id}'s) is LIMIT_REACHED for the team, not a refusal of its input. */
    @Test
    void aLimitToldInAFieldErrorIsALimitReached() throws Exception {
        try (LoopbackProvider provider = LoopbackProvider.answering((exchange, base) -> {
            exchange.getRequestBody().readAllBytes();
            LoopbackProvider.json(exchange, 400,
                    "{\"server_id\": [\"This server already has the maximum of 5 snapshots.\"]}");
        });
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(provider.base(), "demo-token"))) {
            ProviderFailure failure = catchThrowableOfType(ProviderFailure.class, () -> client.createSnapshot(
                    new SnapshotDraft(new ServerId(12345), new SnapshotName("sixth"), Optional.empty())));

            assertThat(failure.kind()).isEqualTo(Kind.LIMIT_REACHED);
            assertThat(failure.getMessage()).contains("server_id: This server already has the maximum of 5 snapshots.");
        }
    }

    @FunctionalInterface
    private interface Answer {
        void answer(HttpExchange exchange) throws IOException;
    }

    private static HttpsServer tlsProvider(Answer answer) throws IOException {
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", answer::answer);
        server.start();
        return server;
    }

    /** The adapter over a Micronaut client that trusts the test's key; otherwise the test settings' client. */
    private static VpsOrgClient trustingClient(URI base) throws Exception {
        VpsOrgSettings settings = SimulatedVpsOrg.testSettings(base, "demo-token");
        DefaultHttpClientConfiguration configuration = new DefaultHttpClientConfiguration();
        configuration.setConnectTimeout(settings.connectTimeout());
        configuration.setReadTimeout(settings.readTimeout());
        configuration.setFollowRedirects(false);
        configuration.setExceptionOnErrorStatus(false);
        ClientSslConfiguration trustAll = new ClientSslConfiguration();
        trustAll.setInsecureTrustAllCertificates(true);
        configuration.setSslConfiguration(trustAll);
        return new VpsOrgClient(settings, HttpClient.create(base.toURL(), configuration), JsonMapper.createDefault(),
                Clock.systemUTC());
    }

    private static String page(String next, String... results) {
        return """
                {"next": %s, "previous": null, "results": [%s]}"""
                .formatted(next == null ? "null" : '"' + next + '"', String.join(", ", results));
    }

    private static String snapshot(long id) {
        return """
                {"id": %d, "server": {"id": 12345, "name": "web-server-01"}, "name": "s%d", "status": "completed",
                 "size_mb": 1, "created_at": "2025-01-15T18:30:00Z"}""".formatted(id, id);
    }
}
