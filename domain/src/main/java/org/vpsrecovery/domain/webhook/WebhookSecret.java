package org.vpsrecovery.domain.webhook;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A subscription's signing key, written {@code whsec_} + base64 of its bytes as the Standard
 * Webhooks specification has it. Shown to the team once, when the subscription is made; kept so it
 * can sign (it is not a password, so it is not hashed); never printed: {@link #toString()} hides it.
 */
public final class WebhookSecret {

    public static final String PREFIX = "whsec_";
    /** 24-64 bytes: the specification asks for 24 at least. */
    public static final int MIN_BYTES = 24;
    public static final int MAX_BYTES = 64;
    private static final int NEW_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final byte[] key;

    private WebhookSecret(byte[] key) {
        if (key.length < MIN_BYTES || key.length > MAX_BYTES) {
            throw new IllegalArgumentException("a webhook secret is " + MIN_BYTES + "-" + MAX_BYTES + " bytes");
        }
        this.key = key.clone();
    }

    public static WebhookSecret random() {
        byte[] key = new byte[NEW_BYTES];
        RANDOM.nextBytes(key);
        return new WebhookSecret(key);
    }

    /** Reads the {@code whsec_...} form; the message never repeats the text. */
    public static WebhookSecret parse(String text) {
        Objects.requireNonNull(text, "text");
        if (!text.startsWith(PREFIX)) {
            throw new IllegalArgumentException("a webhook secret starts with " + PREFIX);
        }
        try {
            return new WebhookSecret(Base64.getDecoder().decode(text.substring(PREFIX.length())));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a webhook secret is " + PREFIX + " and base64 of 24-64 bytes");
        }
    }

    /** The one place the secret is written out: the create answer and its storage. */
    public String reveal() {
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    byte[] key() {
        return key.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof WebhookSecret that && java.security.MessageDigest.isEqual(key, that.key);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(key);
    }

    @Override
    public String toString() {
        return "WebhookSecret[hidden]";
    }
}
