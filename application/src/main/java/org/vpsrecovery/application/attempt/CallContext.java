package org.vpsrecovery.application.attempt;

import java.util.Objects;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;

/** Who is acting, and the request that carries the action. */
public record CallContext(TeamId team, RequestId requestId) {

    public CallContext {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
    }
}
