package org.vpsrecovery.bootstrap.e2e;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A kept-alive connection written as a pipelining client writes it: Nagle's delay off, so each write leaves at once in
 * its own segment on loopback, and bytes written in one call (two requests, or one request and the start of the next)
 * arrive in one read. Answers are read one at a time, each by its Content-Length.
 */
final class PipelinedWrites implements AutoCloseable {

    private final Socket socket;

    /** Takes {@code socket} over: closing this closes it. */
    PipelinedWrites(Socket socket) throws IOException {
        this.socket = socket;
        try {
            socket.setTcpNoDelay(true);
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    Socket socket() {
        return socket;
    }

    /** Each of {@code parts} in a write of its own (ASCII), then a flush. */
    void write(String... parts) throws IOException {
        OutputStream out = socket.getOutputStream();
        for (String part : parts) {
            out.write(part.getBytes(StandardCharsets.US_ASCII));
        }
        out.flush();
    }

    /** The next answer's head, after reading it and its Content-Length body (JSON answers have one). */
    String nextAnswer() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int next = socket.getInputStream().read();
            if (next == -1) {
                throw new AssertionError("the connection closed in an answer's head: " + head);
            }
            head.write(next);
        }
        String text = head.toString(StandardCharsets.US_ASCII);
        long length = text.lines()
                .filter(line -> line.regionMatches(true, 0, "content-length:", 0, 15))
                .mapToLong(line -> Long.parseLong(line.substring(15).trim()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("an answer without Content-Length: " + text));
        if (socket.getInputStream().readNBytes((int) length).length != length) {
            throw new AssertionError("the connection closed in an answer's body: " + text);
        }
        return text;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
