package org.vpsrecovery.bootstrap.e2e;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * A client that goes away mid-request over a raw loopback socket, as a stopped script or a closed browser tab does, and
 * what the service's request timers ({@code http.server.requests}) counted meanwhile.
 */
final class LeavingClient {

    private LeavingClient() {
    }

    /**
     * Writes {@code request} (a head declaring more body than follows) and resets the connection: with SO_LINGER at 0
     * the close sends RST instead of FIN. The server reads what was sent first, then "connection reset".
     */
    static void sendThenReset(int port, String request) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            socket.setSoLinger(true, 0);
        }
    }

    /** Every request timer that names a failure (its {@code exception} tag), with its count now. */
    static Map<Meter.Id, Long> failedRequests(MeterRegistry registry) {
        Map<Meter.Id, Long> counts = new HashMap<>();
        for (Timer timer : registry.find("http.server.requests").timers()) {
            if (!"none".equals(timer.getId().getTag("exception"))) {
                counts.put(timer.getId(), timer.count());
            }
        }
        return counts;
    }

    /** The failed-request timers that counted more than in {@code before}. */
    static Map<Meter.Id, Long> countedSince(MeterRegistry registry, Map<Meter.Id, Long> before) {
        Map<Meter.Id, Long> grown = new HashMap<>();
        failedRequests(registry).forEach((id, count) -> {
            if (count > before.getOrDefault(id, 0L)) {
                grown.put(id, count - before.getOrDefault(id, 0L));
            }
        });
        return grown;
    }

    /** How many requests were answered with a 5xx status. */
    static long serverErrors(MeterRegistry registry) {
        return registry.find("http.server.requests").timers().stream()
                .filter(timer -> timer.getId().getTag("status").startsWith("5")).mapToLong(Timer::count).sum();
    }
}
