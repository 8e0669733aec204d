package org.vpsrecovery.bootstrap.e2e;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One HTTP/1.1 exchange over a raw socket, the request written byte for byte as given (an
 * HTTP client library would refuse or repair hostile request lines and headers); the answer is
 * read by Netty's own HTTP decoder.
 */
final class RawHttpExchange {

    /** The answer: status, headers as sent, body, and everything as text for secret checks. */
    record Answer(int status, Map<String, List<String>> headers, String body, String wholeText) {
        String header(String name) {
            return headers.entrySet().stream().filter(h -> h.getKey().equalsIgnoreCase(name))
                    .flatMap(h -> h.getValue().stream()).findFirst().orElse(null);
        }
    }

    private RawHttpExchange() {
    }

    /**
     * Sends {@code method target}, a Host and {@code Connection: close} first (so that a hostile
     * header cannot keep the connection open), then {@code headers} and the body with its length.
     */
    static Answer send(int port, String method, String target, List<Map.Entry<String, String>> headers, byte[] body) {
        return send(port, "127.0.0.1:" + port, method, target, headers, body);
    }

    /** The same, naming {@code host} in the Host header (as a browser does a balancer's public name). */
    static Answer send(int port, String host, String method, String target, List<Map.Entry<String, String>> headers,
                       byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        writeLine(request, method + " " + target + " HTTP/1.1");
        writeLine(request, "Host: " + host);
        writeLine(request, "Connection: close");
        if (body != null) {
            writeLine(request, "Content-Length: " + body.length);
        }
        headers.forEach(h -> writeLine(request, h.getKey() + ": " + h.getValue()));
        writeLine(request, "");
        if (body != null) {
            request.writeBytes(body);
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.toByteArray());
            socket.getOutputStream().flush();
            return read(socket.getInputStream(), method.equals("HEAD"));
        } catch (IOException e) {
            throw new UncheckedIOException("no answer to " + method + " " + abbreviated(target), e);
        }
    }

    private static Answer read(InputStream in, boolean head) throws IOException {
        EmbeddedChannel decoder = new EmbeddedChannel(new HttpClientCodec(), new HttpObjectAggregator(1 << 20));
        try {
            // The client codec pairs each answer with its request: a HEAD answer has no body.
            decoder.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, head ? HttpMethod.HEAD : HttpMethod.GET, "/"));
            decoder.releaseOutbound();
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            byte[] buffer = new byte[16 * 1024];
            FullHttpResponse response = null;
            for (int n; response == null && (n = in.read(buffer)) != -1; ) {
                raw.write(buffer, 0, n);
                decoder.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
                response = decoder.readInbound();
            }
            if (response == null) {
                decoder.finish(); // the end of the stream ends a body sent without a length
                response = decoder.readInbound();
            }
            if (response == null) {
                throw new IOException("the connection closed without a complete answer ("
                        + raw.size() + " bytes: " + abbreviated(raw.toString(StandardCharsets.ISO_8859_1)) + ")");
            }
            try {
                Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
                response.headers().forEach(h -> headers.computeIfAbsent(h.getKey(), k -> new java.util.ArrayList<>()).add(h.getValue()));
                String body = response.content().toString(StandardCharsets.UTF_8);
                return new Answer(response.status().code(), headers, body, raw.toString(StandardCharsets.UTF_8));
            } finally {
                response.release();
            }
        } finally {
            decoder.finishAndReleaseAll();
        }
    }

    private static void writeLine(ByteArrayOutputStream out, String line) {
        out.writeBytes(line.getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[] {'\r', '\n'});
    }

    static String abbreviated(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…(" + text.length() + " chars)";
    }
}
