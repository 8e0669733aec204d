package org.vpsrecovery.domain.webhook;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature: {@code v1,} + base64 of HMAC-SHA256 over
 * {@code <webhook-id>.<webhook-timestamp>.<body>} with the subscription's secret.
 */
public final class WebhookSignature {

    private static final String ALGORITHM = "HmacSHA256";

    private WebhookSignature() {
    }

    /** {@code timestamp} is seconds since the epoch, as sent in {@code webhook-timestamp}. */
    public static String sign(WebhookSecret secret, String messageId, long timestamp, String body) {
        Objects.requireNonNull(secret, "secret");
        Objects.requireNonNull(messageId, "message id");
        Objects.requireNonNull(body, "body");
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.key(), ALGORITHM));
            byte[] digest = mac.doFinal((messageId + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            // HmacSHA256 is required of every JDK; a failure here is the runtime's, not the input's.
            throw new IllegalStateException("HmacSHA256 is unavailable", e);
        }
    }
}
