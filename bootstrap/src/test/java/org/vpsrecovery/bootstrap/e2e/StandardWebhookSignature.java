package org.vpsrecovery.bootstrap.e2e;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature a receiver checks a delivery against (Standard Webhooks): {@code v1,} and the base64 HMAC-SHA256 of
 * what is signed ({@code id.timestamp.body}), keyed with the {@code whsec_} secret's bytes. Computed here on its own,
 * not by the service's signer, so that a test compares the service with the rule.
 */
final class StandardWebhookSignature {

    private StandardWebhookSignature() {
    }

    static String of(String secret, String signed) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(signed.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
