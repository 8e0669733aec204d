package org.vpsrecovery.application.attempt;

import org.vpsrecovery.domain.audit.RecordedAuditEvent;

/**
 * Which pending intents are tries of a pending change still {@code approved} (ADR 0043): a hold's release or a
 * policy's change a second person approved, which the settle job applies again, under the attempt it looks up first,
 * until the change is final. Reconciliation leaves such an intent to that job: an end it wrote between the job's look
 * and the job's write would be the attempt's one end (ADR 0142), and the job's true one refused. Once the change is
 * final its job writes nothing more, and reconciliation settles what is left from the record, as any other intent.
 */
@FunctionalInterface
public interface ApprovedChanges {

    /** Whether {@code intent} is a try of a pending change that is still approved. */
    boolean stillApplying(RecordedAuditEvent intent);

    /** No pending changes: every intent is reconciliation's. */
    ApprovedChanges NONE = intent -> false;
}
