package org.vpsrecovery.application.hold;

import java.util.Objects;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldId;

public record ReleaseHoldCommand(HoldCaller caller, ResourceRef point, HoldId hold) {

    public ReleaseHoldCommand {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(hold, "hold");
    }
}
