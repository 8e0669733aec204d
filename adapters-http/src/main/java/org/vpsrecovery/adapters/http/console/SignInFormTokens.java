package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.util.SupplierUtil;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.function.Supplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.vpsrecovery.application.session.SignInSessionsUseCase;
import org.vpsrecovery.domain.port.SignInFormKey;

/**
 * The sign-in form's CSRF token, minted by the service: a random nonce and an end, signed with HMAC-SHA256 (ADR 0041,
 * amended in session 49). The form's field and its cookie must be equal and carry the service's signature, not yet
 * past their end: a pair an attacker made up, planted as a cookie with a form posting it, is refused, where any
 * equal pair passed before.
 *
 * <p>Every instance must verify what another minted (a balancer sends the form's GET and its POST to any), so the key
 * is one for all: 32 random bytes the first instance stored in PostgreSQL, read by every instance at its first
 * sign-in form ({@link SignInFormKey}; ADR 0041, amended in session 50). It was derived from the platform's VPS.org API
 * token: while a rotation of that token rolled out, a form opened on an instance with one token and posted to an
 * instance with the other was refused; and with the embedded simulator the token is the published demo one, so
 * anyone could mint form tokens. The key is never logged nor sent anywhere.
 */
@Context
@Requires(beans = SignInSessionsUseCase.class)
public class SignInFormTokens {

    static final Duration LIFETIME = Duration.ofMinutes(30);
    private static final String ALGORITHM = "HmacSHA256";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

    /**
     * The shared key, read once, at the first form: not in the constructor, as with the schema owner's login
     * ({@code VPSR_MIGRATION_USER}) Flyway migrates after the context's eager beans are made, so V70's table may not be
     * there yet at start (CI, LeastPrivilegeDeploymentTest). A database out of reach then is the page's 503, read again
     * at the next form (Micronaut's memoized supplier keeps no failure).
     */
    private final Supplier<SecretKeySpec> key;
    private final Clock clock;

    public SignInFormTokens(SignInFormKey sharedKey, Clock clock) {
        this.key = SupplierUtil.memoized(() -> {
            byte[] candidate = new byte[32];
            RANDOM.nextBytes(candidate);
            return new SecretKeySpec(sharedKey.shared(candidate), ALGORITHM);
        });
        this.clock = clock;
    }

    /** A new token: {@code nonce.end.signature}, URL-safe, no secret in it. */
    String mint() {
        byte[] nonce = new byte[32];
        RANDOM.nextBytes(nonce);
        String signed = BASE64.encodeToString(nonce) + "." + clock.instant().plus(LIFETIME).getEpochSecond();
        return signed + "." + signature(signed);
    }

    /** The cookie's and the form's tokens are one, this service's, and not yet past their end; compared in constant time. */
    boolean accepts(String cookie, String posted) {
        if (cookie == null || posted == null || cookie.isEmpty()
                || !MessageDigest.isEqual(cookie.getBytes(StandardCharsets.UTF_8), posted.getBytes(StandardCharsets.UTF_8))) {
            return false;
        }
        int last = posted.lastIndexOf('.');
        int first = posted.indexOf('.');
        if (first <= 0 || last <= first || posted.length() > 200) {
            return false;
        }
        String signed = posted.substring(0, last);
        if (!MessageDigest.isEqual(signature(signed).getBytes(StandardCharsets.US_ASCII),
                posted.substring(last + 1).getBytes(StandardCharsets.US_ASCII))) {
            return false;
        }
        long end;
        try {
            end = Long.parseLong(posted.substring(first + 1, last));
        } catch (NumberFormatException e) {
            return false;
        }
        return Instant.ofEpochSecond(end).isAfter(clock.instant());
    }

    private String signature(String signed) {
        return BASE64.encodeToString(mac(key.get(), signed.getBytes(StandardCharsets.US_ASCII)));
    }

    private static byte[] mac(SecretKeySpec key, byte[] message) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every JDK has HmacSHA256", e);
        }
    }
}
