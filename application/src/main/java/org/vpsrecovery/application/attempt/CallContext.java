package org.vpsrecovery.application.attempt;

import java.util.Objects;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * Who is acting (the team, and the {@link Actor} within it: a person, a service token, or the
 * platform's own jobs), the request that carries the action, and the id its operation gets if the
 * attempt is accepted (chosen up front, so the web adapter can name it in its answer).
 */
public record CallContext(TeamId team, RequestId requestId, OperationId operationId, Actor actor) {

    public CallContext {
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(operationId, "operation id");
        Objects.requireNonNull(actor, "actor");
    }

    /** The platform's own work (scheduled runs, jobs): the actor is {@link Actor#SYSTEM}. */
    public CallContext(TeamId team, RequestId requestId, OperationId operationId) {
        this(team, requestId, operationId, Actor.SYSTEM);
    }

    /** The platform's own work (scheduled runs, jobs): the actor is {@link Actor#SYSTEM}. */
    public CallContext(TeamId team, RequestId requestId) {
        this(team, requestId, OperationId.random());
    }
}
