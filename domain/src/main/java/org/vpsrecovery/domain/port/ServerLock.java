package org.vpsrecovery.domain.port;

import java.util.function.Supplier;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Mutual exclusion per server, across threads and service instances, so that "check the limits,
 * then call the provider" is atomic. Waiting is bounded: past the bound, {@link ServerBusy}.
 */
public interface ServerLock {

    <T> T callExclusively(ServerId server, Supplier<T> work);
}
