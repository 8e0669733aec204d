package org.vpsrecovery.application.hold;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.hold.HoldId;

/** {@code requestedBy}: who asked, when the caller releases it as a second person's approval (ADR 0043). */
public record ReleaseHoldCommand(HoldCaller caller, ResourceRef point, HoldId hold, Optional<Actor> requestedBy) {

    public ReleaseHoldCommand {
        Objects.requireNonNull(caller, "caller");
        Objects.requireNonNull(point, "point");
        Objects.requireNonNull(hold, "hold");
        Objects.requireNonNull(requestedBy, "requested by (may be empty, not null)");
    }

    public ReleaseHoldCommand(HoldCaller caller, ResourceRef point, HoldId hold) {
        this(caller, point, hold, Optional.empty());
    }
}
