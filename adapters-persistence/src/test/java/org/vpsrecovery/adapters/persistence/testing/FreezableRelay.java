package org.vpsrecovery.adapters.persistence.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP relay on loopback between a client and the test database that can be frozen: from then on it forwards nothing
 * either way and reads nothing more, its sockets left open (no FIN, no RST), as a machine that lost its power or its
 * network looks to PostgreSQL. A session through it is left as its last forwarded message left it: idle in its
 * transaction, its locks held. {@link #close()} ends it all (the test's clean-up).
 */
public final class FreezableRelay implements AutoCloseable {

    private static final Pattern HOST_AND_PORT = Pattern.compile("jdbc:postgresql://([^:/]+):(\\d+)(/.*)");

    private final ServerSocket listening;
    private final InetSocketAddress target;
    private final String databaseAndParameters;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch clientHeldBack = new CountDownLatch(1);
    private volatile boolean frozen;
    private volatile byte[] freezeBefore;

    /** A relay to the database of {@code jdbcUrl} ({@code jdbc:postgresql://host:port/db?...}). */
    public FreezableRelay(String jdbcUrl) throws IOException {
        Matcher url = HOST_AND_PORT.matcher(jdbcUrl);
        if (!url.matches()) {
            throw new IllegalArgumentException("not a jdbc:postgresql://host:port/database URL: " + jdbcUrl);
        }
        this.target = new InetSocketAddress(url.group(1), Integer.parseInt(url.group(2)));
        this.databaseAndParameters = url.group(3);
        this.listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("relay-accept").start(this::accept);
    }

    /** The URL of the same database through this relay. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + listening.getLocalPort() + databaseAndParameters;
    }

    /** Freezes now. */
    public void freeze() {
        frozen = true;
    }

    /** Freezes as the client sends {@code text} (a statement's text in its Parse message): that message never arrives. */
    public void freezeBeforeClientSends(String text) {
        freezeBefore = text.getBytes(StandardCharsets.UTF_8);
    }

    public boolean frozen() {
        return frozen;
    }

    /**
     * Waits at most {@code timeout} until the client sent something that the freeze held back (a statement that will
     * never be answered, its sender waiting for its network timeout); true once it did.
     */
    public boolean awaitClientHeldBack(Duration timeout) throws InterruptedException {
        return clientHeldBack.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void accept() {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket server = new Socket();
                server.connect(target);
                sockets.add(client);
                sockets.add(server);
                Thread.ofVirtual().start(() -> pump(client, server, true));
                Thread.ofVirtual().start(() -> pump(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buffer = new byte[65536];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                if (frozen) {
                    // Nothing read, nothing sent, nothing closed: until the test ends.
                    closed.await();
                    return;
                }
                int read = in.read(buffer);
                if (read < 0) {
                    to.shutdownOutput();
                    return;
                }
                byte[] marker = freezeBefore;
                if (fromClient && marker != null && contains(buffer, read, marker)) {
                    frozen = true;
                }
                if (frozen) {
                    if (fromClient) {
                        clientHeldBack.countDown();
                    }
                    closed.await();
                    return;
                }
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException e) {
            // The other side, or close(), ended it.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean contains(byte[] buffer, int length, byte[] marker) {
        outer:
        for (int i = 0; i + marker.length <= length; i++) {
            for (int j = 0; j < marker.length; j++) {
                if (buffer[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        closed.countDown();
        listening.close();
        for (Socket socket : sockets) {
            socket.close();
        }
    }
}
