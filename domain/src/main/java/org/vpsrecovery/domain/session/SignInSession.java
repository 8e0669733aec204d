package org.vpsrecovery.domain.session;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.vpsrecovery.domain.audit.Actor;

/**
 * A person or service signed in to the web console (ADR 0041): who they are, as their token said
 * when they signed in, and never the token itself. Kept under the SHA-256 of the session id, so a
 * copy of the table opens no session; the CSRF token is the synchronizer token of its forms.
 * {@code expiresAt} is its absolute end: the console's bound, or the token's own end if sooner.
 * {@code credential}: for a static token (a service or auditor token), the SHA-256 of the digest the
 * configuration held for it, so the session ends when that token is removed or replaced; empty for a
 * person's JWT, which its own expiry bounds.
 */
public record SignInSession(String idDigest, SessionHolder holder, Actor actor, String csrfToken,
                            Instant createdAt, Instant lastSeenAt, Instant expiresAt, Optional<String> credential) {

    private static final Pattern DIGEST = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern CSRF = Pattern.compile("[A-Za-z0-9_-]{43}");

    public SignInSession {
        Objects.requireNonNull(idDigest, "id digest");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(csrfToken, "csrf token");
        Objects.requireNonNull(createdAt, "created at");
        Objects.requireNonNull(lastSeenAt, "last seen at");
        Objects.requireNonNull(expiresAt, "expires at");
        Objects.requireNonNull(credential, "credential (may be empty, not null)");
        if (!DIGEST.matcher(idDigest).matches()) {
            throw new IllegalArgumentException("the id digest is 64 lower-case hex digits");
        }
        if (!CSRF.matcher(csrfToken).matches()) {
            throw new IllegalArgumentException("the csrf token is 32 random bytes, base64url");
        }
        if (credential.isPresent() && !DIGEST.matcher(credential.get()).matches()) {
            throw new IllegalArgumentException("a credential's fingerprint is 64 lower-case hex digits");
        }
        if (lastSeenAt.isBefore(createdAt)) {
            throw new IllegalArgumentException("a session is not seen before it was created");
        }
        if (!expiresAt.isAfter(createdAt)) {
            throw new IllegalArgumentException("a session expires after it was created");
        }
    }
}
