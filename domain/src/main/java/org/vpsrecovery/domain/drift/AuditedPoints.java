package org.vpsrecovery.domain.drift;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.ResourceRef;

/**
 * What the audit history says the platform did to one server's recovery points (ADR 0035):
 * <ul>
 *   <li>{@code made}: every point a create through the platform made (any event of the create names it);</li>
 *   <li>{@code expected}: those of {@code made} whose create did not fail (a failed or vanished creation is
 *       not expected to be listed);</li>
 *   <li>{@code deleted}: every point a delete through the platform did or may have deleted (an attempt not
 *       refused, not failed);</li>
 *   <li>{@code unsettledCreates}: the names (descriptions for backups) of creates whose intent is on record
 *       but whose point is not known yet: their answer was lost, reconciliation will name the point.</li>
 * </ul>
 */
public record AuditedPoints(Set<ResourceRef> made, Set<ResourceRef> expected, Set<ResourceRef> deleted,
                            Set<String> unsettledCreates) {

    public AuditedPoints {
        made = Set.copyOf(Objects.requireNonNull(made, "made"));
        expected = Set.copyOf(Objects.requireNonNull(expected, "expected"));
        deleted = Set.copyOf(Objects.requireNonNull(deleted, "deleted"));
        unsettledCreates = Set.copyOf(Objects.requireNonNull(unsettledCreates, "unsettled creates"));
        if (!made.containsAll(expected)) {
            throw new IllegalArgumentException("an expected point was made by the platform");
        }
    }

    public static final AuditedPoints NONE = new AuditedPoints(Set.of(), Set.of(), Set.of(), Set.of());

    /** The operations whose events this is read from. */
    public static final Set<Operation> READ_FROM = Set.of(Operation.CREATE_SNAPSHOT, Operation.CREATE_MANUAL_BACKUP,
            Operation.DELETE_SNAPSHOT, Operation.DELETE_BACKUP);

    /** Reads one server's create and delete events, in any order; events of other operations are passed over. */
    public static AuditedPoints from(Collection<AuditEvent> events) {
        return new AuditedPointsTally().addAll(events).points();
    }
}
