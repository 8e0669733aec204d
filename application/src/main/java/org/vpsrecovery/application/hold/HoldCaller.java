package org.vpsrecovery.application.hold;

import java.util.Objects;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.hold.HoldActor;
import org.vpsrecovery.domain.operation.OperationId;

/**
 * Who places or releases a hold (a team, or an auditor), the request carrying it, and the id the
 * attempt gets (a placed hold keeps it as its own id).
 */
public record HoldCaller(HoldActor actor, RequestId requestId, OperationId operationId, Actor identity) {

    public HoldCaller {
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(requestId, "request id");
        Objects.requireNonNull(operationId, "operation id");
        Objects.requireNonNull(identity, "identity");
    }

    /** A caller whose identity is the team's or auditor's role alone (the audit names it as the platform's). */
    public HoldCaller(HoldActor actor, RequestId requestId, OperationId operationId) {
        this(actor, requestId, operationId, Actor.SYSTEM);
    }
}
