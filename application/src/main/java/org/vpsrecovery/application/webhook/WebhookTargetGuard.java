package org.vpsrecovery.application.webhook;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.TargetAddressRules;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * The SSRF guard: resolves the target's host and judges every address it resolves to. Run when a
 * subscription is made and again before every attempt, since the host's addresses may have
 * changed since (DNS rebinding).
 */
public final class WebhookTargetGuard {

    private final WebhookTransport transport;
    private final TargetAddressRules rules;

    public WebhookTargetGuard(WebhookTransport transport, TargetAddressRules rules) {
        this.transport = Objects.requireNonNull(transport, "transport");
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** Why the target may not be sent to now, or empty when it may. */
    public Optional<String> refusal(WebhookTarget target) {
        return rules.refusal(transport.resolve(target.host()));
    }
}
