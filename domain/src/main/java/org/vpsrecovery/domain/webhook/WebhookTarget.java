package org.vpsrecovery.domain.webhook;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import org.vpsrecovery.domain.common.Description;

/**
 * Where a subscription's deliveries go: an absolute http or https URL with a host, no user info
 * (no credentials in a URL, where they would be shown and logged), no fragment and no lone UTF-16 surrogate (stored as
 * {@code ?}, deliveries would go elsewhere than the URL answered). Which addresses
 * the host may resolve to is {@link TargetAddressRules}' question.
 */
public record WebhookTarget(URI uri) {

    public static final int MAX_LENGTH = 2000;

    public WebhookTarget {
        Objects.requireNonNull(uri, "uri");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
            throw new IllegalArgumentException("url must be an absolute http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("url must name a host");
        }
        if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
            throw new IllegalArgumentException("url's port must be 1-65535");
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must not carry credentials (user info)");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not have a fragment");
        }
        if (Description.hasUnpairedSurrogate(uri.toString())) {
            throw new IllegalArgumentException("url must not contain a lone UTF-16 surrogate");
        }
        if (uri.toString().length() > MAX_LENGTH) {
            throw new IllegalArgumentException("url must be at most " + MAX_LENGTH + " characters");
        }
    }

    public static WebhookTarget parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("url must be at most " + MAX_LENGTH + " characters");
        }
        try {
            return new WebhookTarget(new URI(text));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a valid URL");
        }
    }

    /** The host without IPv6 brackets, as a resolver takes it. */
    public String host() {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** Whether the host is written as an IP address (v4, or v6 in brackets) rather than a name to resolve. */
    public boolean hostIsAnAddress() {
        String host = host();
        return host.contains(":") || host.matches("[0-9.]+");
    }

    @Override
    public String toString() {
        return uri.toString();
    }
}
