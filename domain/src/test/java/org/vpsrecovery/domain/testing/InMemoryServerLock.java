package org.vpsrecovery.domain.testing;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.vpsrecovery.domain.port.ServerBusy;
import org.vpsrecovery.domain.port.ServerLock;
import org.vpsrecovery.domain.server.ServerId;

/** Per-server locks within one JVM, with a bounded wait: the fake for application tests. */
public final class InMemoryServerLock implements ServerLock {

    private final ConcurrentHashMap<ServerId, ReentrantLock> locks = new ConcurrentHashMap<>();
    private final Duration maxWait;

    public InMemoryServerLock(Duration maxWait) {
        this.maxWait = maxWait;
    }

    @Override
    public <T> T callExclusively(ServerId server, Supplier<T> work) {
        ReentrantLock lock = locks.computeIfAbsent(server, id -> new ReentrantLock(true));
        try {
            if (!lock.tryLock(maxWait.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new ServerBusy("server " + server + " is busy with another request; try again shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServerBusy("interrupted while waiting for server " + server);
        }
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }
}
