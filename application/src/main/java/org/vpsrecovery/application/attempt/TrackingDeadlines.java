package org.vpsrecovery.application.attempt;

import java.time.Duration;
import java.util.Objects;
import org.vpsrecovery.domain.audit.Operation;

/**
 * How long the platform follows an operation at VPS.org before saying it showed no end. A restore's
 * is its window: VPS.org has no server status read, so the window's end is the end the platform knows.
 */
public record TrackingDeadlines(Duration create, Duration delete, Duration restore) {

    public static final TrackingDeadlines DEFAULTS =
            new TrackingDeadlines(Duration.ofMinutes(30), Duration.ofMinutes(10), Duration.ofMinutes(15));

    public TrackingDeadlines {
        for (Duration d : new Duration[] {create, delete, restore}) {
            Objects.requireNonNull(d, "deadline");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("tracking deadlines must be positive");
            }
        }
    }

    public Duration of(Operation operation) {
        return switch (operation) {
            case CREATE_SNAPSHOT, CREATE_MANUAL_BACKUP -> create;
            case DELETE_SNAPSHOT, DELETE_BACKUP -> delete;
            case RESTORE_SNAPSHOT, RESTORE_SERVER_FROM_BACKUP -> restore;
            // The platform's own change: nothing to follow at VPS.org.
            case RELEASE_RESTORE_HOLD, PLACE_RECOVERY_POINT_HOLD, RELEASE_RECOVERY_POINT_HOLD ->
                    throw new IllegalArgumentException("the platform's own change " + operation + " is not followed at VPS.org");
            // A policy's own records (ADR 0028): never an operation at VPS.org.
            case CREATE_POLICY, UPDATE_POLICY, DELETE_POLICY, PLAN_POLICY, DRIFT_DETECTED, DRIFT_RESOLVED, AUDIT_READ,
                 REQUEST_APPROVAL, APPROVE_OPERATION, DENY_OPERATION, EXPIRE_APPROVAL ->
                    throw new IllegalArgumentException(operation + " is not followed at VPS.org");
        };
    }
}
