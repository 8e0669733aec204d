package org.vpsrecovery.application.attempt;

import java.util.Objects;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * Who is acting, the request that carries the action, and the id its operation gets if the
 * attempt is accepted (chosen up front, so the web adapter can name it in its answer).
 */
public record CallContext(TeamId team, RequestId requestId, OperationId operationId) {

    public CallContext {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(operationId, "operation id");
    }

    public CallContext(TeamId team, RequestId requestId) {
        this(team, requestId, OperationId.random());
    }
}
