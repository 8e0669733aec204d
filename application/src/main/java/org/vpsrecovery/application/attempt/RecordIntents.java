package org.vpsrecovery.application.attempt;

import java.util.Optional;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Outcome;

/**
 * The outcome of a pending intent that names no server: a change of the platform's own records (a
 * policy's, ADR 0036), read back from the record itself. Reconciliation asks it for such intents, which
 * no provider can settle. Empty: not one of these, or not known yet.
 */
@FunctionalInterface
public interface RecordIntents {

    Optional<Outcome> outcomeOf(AuditEvent intent);

    RecordIntents NONE = intent -> Optional.empty();
}
