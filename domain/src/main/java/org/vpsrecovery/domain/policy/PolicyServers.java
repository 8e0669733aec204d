package org.vpsrecovery.domain.policy;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.vpsrecovery.domain.server.ServerId;

/** The servers a policy covers: the listed ones, or every server its team owns (now and later). */
public record PolicyServers(boolean allOwned, List<ServerId> listed) {

    public static final int MAX_LISTED = 100;

    public PolicyServers {
        listed = List.copyOf(Objects.requireNonNull(listed, "listed"));
        if (allOwned != listed.isEmpty()) {
            throw new IllegalArgumentException("a policy names 1-" + MAX_LISTED + " servers, or every server the team owns");
        }
        if (listed.size() > MAX_LISTED || listed.stream().distinct().count() != listed.size()) {
            throw new IllegalArgumentException("a policy names 1-" + MAX_LISTED + " distinct servers");
        }
    }

    public static PolicyServers everyOwned() {
        return new PolicyServers(true, List.of());
    }

    public static PolicyServers of(List<ServerId> servers) {
        return new PolicyServers(false, servers);
    }

    @Override
    public String toString() {
        return allOwned ? "all" : listed.stream().map(s -> Long.toString(s.value())).collect(Collectors.joining(","));
    }
}
