package org.vpsrecovery.application.webhook;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How many delivery attempts this instance makes at once, in all and to one host. An attempt can hold its
 * thread for the whole connect and answer time; the threads are the cluster jobs' (tracking, restores, policy runs...),
 * so a receiver that never answers, or a team's twenty subscriptions to one, must not take them all. An attempt that
 * finds no slot is not made: it is tried again shortly, not counted as a failure. Never waits.
 */
public final class DeliverySlots {

    /** A slot taken; closing it gives it back. */
    public interface Slot extends AutoCloseable {
        @Override
        void close();
    }

    private final int inAll;
    private final int perHost;
    private final Map<String, Integer> byHost = new HashMap<>();
    private int taken;

    public DeliverySlots(int inAll, int perHost) {
        if (inAll < 1 || perHost < 1 || perHost > inAll) {
            throw new IllegalArgumentException("slots in all and per host must be at least 1, per host at most in all");
        }
        this.inAll = inAll;
        this.perHost = perHost;
    }

    /** A slot for an attempt to {@code host}, or empty when all of this instance's or that host's are taken. */
    public synchronized Optional<Slot> tryTake(String host) {
        String key = host.toLowerCase(Locale.ROOT);
        int hostTaken = byHost.getOrDefault(key, 0);
        if (taken >= inAll || hostTaken >= perHost) {
            return Optional.empty();
        }
        taken++;
        byHost.put(key, hostTaken + 1);
        return Optional.of(new Slot() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (DeliverySlots.this) {
                    if (!closed) {
                        closed = true;
                        taken--;
                        byHost.merge(key, -1, (a, b) -> a + b == 0 ? null : a + b);
                    }
                }
            }
        });
    }
}
