package org.vpsrecovery.application.webhook;

import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;
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

    /** For a host name refused whatever the reason: which one it was would tell what the name resolves to. */
    static final String NAME_REFUSED = "the host does not resolve to public addresses only";

    /**
     * Why the target may not be sent to now, or empty when it may. A host name's refusal is one sentence whether it
     * resolves to nothing or to a private, loopback or other non-public address: naming which would let a team learn
     * which internal names exist (ADR 0025). An address written as such is refused by its kind. The lookup is
     * {@code team}'s: the team whose subscription names the target.
     */
    public Optional<String> refusal(TeamId team, WebhookTarget target) {
        Optional<String> refused = rules.refusal(transport.resolve(team, target.host()));
        return target.hostIsAnAddress() ? refused : refused.map(why -> NAME_REFUSED);
    }
}
