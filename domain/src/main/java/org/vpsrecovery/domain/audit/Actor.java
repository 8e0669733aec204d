package org.vpsrecovery.domain.audit;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Who did an audited thing (ADR 0034): the subject (a person's identity-provider subject, a
 * service token's {@code <team>/<token id>}, an auditor's name, or {@code system}), how they
 * authenticated, and which key or token id vouched for them. Never the token itself.
 *
 * <p>Kept in the event's detail under {@link #SUBJECT}, {@link #AUTHENTICATION} and {@link #KEY_ID}:
 * the detail is already part of the chained encoding, so an actor is as tamper-evident as any fact,
 * and events written before actors existed (no such keys) encode and verify exactly as before.
 */
public record Actor(String subject, Authentication authentication, Optional<String> keyId) {

    public static final String SUBJECT = "actor_subject";
    public static final String AUTHENTICATION = "actor_authentication";
    public static final String KEY_ID = "actor_key_id";
    public static final int MAX_LENGTH = 200;
    /**
     * Whether a text can be an actor's subject or key id (1-200 printable ASCII characters, the space included; no
     * control characters: a subject or key id is shown in reports and CSV cells). Checked character by character:
     * every API request makes an actor, and a regular expression's match was most of its cost (ADR 0100).
     */
    public static boolean isPrintable(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /** The scheduler's jobs and other work the platform does on its own. */
    public static final Actor SYSTEM = new Actor("system", Authentication.SYSTEM, Optional.empty());

    public enum Authentication {
        /** A person's bearer token from the company's identity provider, checked against its JWKS. */
        JWT,
        /** A team's hashed static token (a service account). */
        SERVICE_TOKEN,
        /** An auditor's hashed static token. */
        AUDITOR_TOKEN,
        /** The platform itself (scheduled jobs, reconciliation). */
        SYSTEM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        public static Optional<Authentication> fromWireName(String name) {
            for (Authentication a : values()) {
                if (a.wireName().equals(name)) {
                    return Optional.of(a);
                }
            }
            return Optional.empty();
        }
    }

    public Actor {
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(authentication, "authentication");
        Objects.requireNonNull(keyId, "key id (may be empty, not null)");
        if (!isPrintable(subject)) {
            throw new IllegalArgumentException("an actor's subject is 1-" + MAX_LENGTH + " printable characters");
        }
        keyId.ifPresent(id -> {
            if (!isPrintable(id)) {
                throw new IllegalArgumentException("an actor's key id is 1-" + MAX_LENGTH + " printable characters");
            }
        });
    }

    public static Actor of(String subject, Authentication authentication, String keyId) {
        return new Actor(subject, authentication, Optional.ofNullable(keyId));
    }

    /** {@code detail} with this actor's keys set (replacing any copied from another event). */
    public Map<String, String> into(Map<String, String> detail) {
        detail.put(SUBJECT, subject);
        detail.put(AUTHENTICATION, authentication.wireName());
        keyId.ifPresentOrElse(id -> detail.put(KEY_ID, id), () -> detail.remove(KEY_ID));
        return detail;
    }

    /** The actor an event records, if it records one (events before ADR 0034 do not). */
    public static Optional<Actor> of(AuditEvent event) {
        return of(event.detail());
    }

    /** The actor an event's {@code detail} names (a later release's row's too, whose detail is read as stored). */
    public static Optional<Actor> of(Map<String, String> detail) {
        String subject = detail.get(SUBJECT);
        Optional<Authentication> how = Optional.ofNullable(detail.get(AUTHENTICATION)).flatMap(Authentication::fromWireName);
        if (subject == null || how.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Actor(subject, how.get(), Optional.ofNullable(detail.get(KEY_ID))));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
