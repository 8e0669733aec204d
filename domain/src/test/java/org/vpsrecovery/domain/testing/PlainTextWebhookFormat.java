package org.vpsrecovery.domain.testing;

import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.port.WebhookMessageFormat;
import org.vpsrecovery.domain.webhook.WebhookEventType;

/**
 * A message format for adapters tested without the HTTP side: one line naming the type, the
 * sequence, the team and the outcome. Tests compare what was stored with what it gives.
 */
public final class PlainTextWebhookFormat implements WebhookMessageFormat {

    @Override
    public String body(WebhookEventType type, RecordedAuditEvent recorded) {
        return type.wireName() + " #" + recorded.sequence() + " team=" + recorded.event().team().value()
                + " outcome=" + recorded.event().outcome().kind();
    }
}
