package org.vpsrecovery.bootstrap.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;

/**
 * A request whose client goes away mid-body: its head promises {@value #PROMISED_LENGTH} bytes of body, the client
 * sends {@code bodyStart} and closes the connection (ADR 0006, amended in session 43). Written over a raw socket, since
 * an HTTP client library never sends less body than it declares.
 *
 * @param headers header lines ({@code Name: value}) between the Host and the Content-Length, in order
 */
record CutShortRequest(String method, String target, List<String> headers, String bodyStart) {

    static final int PROMISED_LENGTH = 100;

    CutShortRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(target, "target");
        headers = List.copyOf(headers);
        if (bodyStart.length() >= PROMISED_LENGTH) {
            throw new IllegalArgumentException("a body cut short is shorter than the " + PROMISED_LENGTH
                    + " bytes promised, was " + bodyStart.length());
        }
    }

    /** Writes the head and the body's start to the service on loopback {@code port}, then closes the connection. */
    void sendThenClose(int port) throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        headers.forEach(header -> head.append(header).append("\r\n"));
        head.append("Content-Length: ").append(PROMISED_LENGTH).append("\r\n\r\n");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bodyStart.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }
}
