package org.vpsrecovery.adapters.http.provider;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A stand-in VPS.org on loopback for the contract tests whose answers the simulator does not give: every request is
 * answered by one {@link Answer}; closing it stops the server.
 */
final class LoopbackProvider implements AutoCloseable {

    /** What the provider does with a request; {@code base} is its own base URL, for the links an answer holds. */
    @FunctionalInterface
    interface Answer {
        void answer(HttpExchange exchange, URI base) throws IOException;
    }

    private final HttpServer server;
    private final URI base;

    private LoopbackProvider(HttpServer server) {
        this.server = server;
        this.base = URI.create("http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":"
                + server.getAddress().getPort() + "/");
    }

    static LoopbackProvider answering(Answer answer) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        LoopbackProvider provider = new LoopbackProvider(server);
        server.createContext("/", exchange -> answer.answer(exchange, provider.base));
        server.start();
        return provider;
    }

    /** Writes {@code body} as a JSON answer of {@code status} and ends the exchange. */
    static void json(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    URI base() {
        return base;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
