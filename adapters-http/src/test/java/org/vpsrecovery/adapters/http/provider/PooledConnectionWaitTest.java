package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.client.HttpClient;
import io.micronaut.http.client.StreamingHttpClient;
import io.micronaut.http.client.exceptions.ReadTimeoutException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The VPS.org client's pool has no acquire timeout of its own (ADR 0128): a request waiting for a pooled connection is
 * ended by the exchange's request timeout (the read timeout and one second), never left waiting. ProviderResilience's
 * bulkhead keeps the platform's callers from waiting in the pool at all (permits = connections); this is the bound
 * beneath it.
 */
class PooledConnectionWaitTest {

    @Test
    void aRequestWaitingForTheOnlyConnectionEndsWithTheRequestTimeout() throws Exception {
        try (TricklingServer server = TricklingServer.start()) {
            VpsOrgSettings settings = VpsOrgSettings.defaults(server.baseUri(), new ApiToken("t0ken"))
                    .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2))
                    .withPool(new VpsOrgSettings.Pool(1, Duration.ofMillis(200), 1));
            try (HttpClient http = VpsOrgClient.httpClient(settings)) {
                // A streamed answer has no request timeout; its bytes keep the read timeout away: the only
                // connection stays taken for as long as the test wants.
                Disposable holding = Flux.from(((StreamingHttpClient) http).dataStream(HttpRequest.GET("/holds"))).subscribe(bytes -> { }, failure -> { });
                assertThat(server.firstRequest.await(30, TimeUnit.SECONDS)).isTrue();

                // The guard only keeps a regression from hanging the build; the timeout under test is 3 s.
                Throwable waited = catchThrowable(() -> Mono.from(http.exchange(HttpRequest.GET("/waits"), byte[].class))
                        .block(Duration.ofMinutes(2)));

                assertThat(waited).isInstanceOf(ReadTimeoutException.class);
                assertThat(server.requestLines).containsExactly("GET /holds HTTP/1.1");
                assertThat(server.connections.get()).isEqualTo(1);
                assertThat(holding.isDisposed()).as("the first answer was still streaming").isFalse();
                holding.dispose();
            }
        }
    }

    /** HTTP/1.1 over a plain socket: each request answered 200 with a chunked body, a byte every 50 ms, never ended. */
    private static final class TricklingServer implements AutoCloseable {

        private final ServerSocket socket;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger connections = new AtomicInteger();
        final List<String> requestLines = new CopyOnWriteArrayList<>();
        final CountDownLatch firstRequest = new CountDownLatch(1);

        private TricklingServer(ServerSocket socket) {
            this.socket = socket;
        }

        static TricklingServer start() throws IOException {
            TricklingServer server = new TricklingServer(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
            Thread.ofPlatform().daemon().name("trickling-accept").start(server::accept);
            return server;
        }

        URI baseUri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
        }

        private void accept() {
            while (!socket.isClosed()) {
                try {
                    Socket connection = socket.accept();
                    accepted.add(connection);
                    connections.incrementAndGet();
                    Thread.ofPlatform().daemon().name("trickling-answer").start(() -> answer(connection));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void answer(Socket connection) {
            try (connection) {
                BufferedReader in = new BufferedReader(new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII));
                String requestLine = in.readLine();
                for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                    // the headers are read and not needed
                }
                requestLines.add(requestLine);
                firstRequest.countDown();
                OutputStream out = connection.getOutputStream();
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                while (!connection.isClosed()) {
                    out.write("1\r\nx\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    Thread.sleep(50);
                }
            } catch (IOException | InterruptedException ended) {
                // the client closed the connection, or the test ended
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
            for (Socket connection : accepted) {
                connection.close();
            }
        }
    }
}
