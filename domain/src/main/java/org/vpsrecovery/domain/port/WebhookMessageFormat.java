package org.vpsrecovery.domain.port;

import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * The wire format of a webhook message: what the receiver gets for one audit event. Called once per
 * event when the event is appended; the text is stored with each delivery and sent, and signed, as
 * it is on every attempt, so a later change of format never alters a message already queued.
 */
public interface WebhookMessageFormat {

    /** The message body for {@code recorded}, sent as {@code type}. Audit events hold no secret, nor does this. */
    String body(WebhookEventType type, RecordedAuditEvent recorded);
}
