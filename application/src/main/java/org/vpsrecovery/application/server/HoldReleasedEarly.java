package org.vpsrecovery.application.server;

import java.time.Instant;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Told of a restore's hold released before its window's end, once the release is stored: what waits for that end (the
 * policy runs it put off) need not wait any longer (ADR 0028, amended in session 51).
 */
@FunctionalInterface
public interface HoldReleasedEarly {

    /** Nothing waits for a hold's end. */
    HoldReleasedEarly NONE = (server, heldUntil) -> { };

    /** {@code server}'s hold, whose window was to end at {@code heldUntil}, is released. */
    void released(ServerId server, Instant heldUntil);
}
