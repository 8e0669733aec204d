package org.vpsrecovery.application.hold;

import java.util.Objects;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldReason;

public record PlaceHoldCommand(HoldCaller caller, ResourceRef point, HoldReason reason) {

    public PlaceHoldCommand {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(reason, "reason");
    }
}
