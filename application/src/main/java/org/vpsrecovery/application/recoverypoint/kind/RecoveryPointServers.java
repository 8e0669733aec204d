package org.vpsrecovery.application.recoverypoint.kind;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The server of each recovery point this instance made, as VPS.org's answer named it (ADR 0048). A point
 * never moves to another server, so an entry stays true until the point is gone; a delete then reads the
 * point again under that server's lock, which is what decides, instead of first listing every server of the
 * team to find it. Only the most recent {@link #MAX_KNOWN} points are kept: a point not known is looked up.
 */
public final class RecoveryPointServers {

    static final int MAX_KNOWN = 10_000;

    private final Map<ResourceRef, ServerId> servers = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ResourceRef, ServerId> eldest) {
            return size() > MAX_KNOWN;
        }
    };

    public synchronized void made(ResourceRef point, ServerId server) {
        servers.put(Objects.requireNonNull(point, "point"), Objects.requireNonNull(server, "server"));
    }

    public synchronized Optional<ServerId> serverOf(ResourceRef point) {
        return Optional.ofNullable(servers.get(point));
    }

    public synchronized void gone(ResourceRef point) {
        servers.remove(point);
    }
}
