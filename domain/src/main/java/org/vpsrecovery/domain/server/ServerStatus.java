package org.vpsrecovery.domain.server;

import java.util.Locale;
import java.util.Objects;

/**
 * A server's status as far as the platform learns it. The provider documents only
 * {@code restoring}; {@code running} and {@code stopped} are expected; other values are kept verbatim.
 */
public record ServerStatus(Kind kind, String wireValue) {

    public enum Kind { RUNNING, STOPPED, RESTORING, UNKNOWN }

    public static final ServerStatus RUNNING = new ServerStatus(Kind.RUNNING, "running");
    public static final ServerStatus STOPPED = new ServerStatus(Kind.STOPPED, "stopped");
    public static final ServerStatus RESTORING = new ServerStatus(Kind.RESTORING, "restoring");
    public static final ServerStatus UNKNOWN = new ServerStatus(Kind.UNKNOWN, "unknown");

    public ServerStatus {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(wireValue, "wire value");
        if (wireValue.isBlank() || wireValue.length() > 64) {
            throw new IllegalArgumentException("server status must be 1-64 characters");
        }
    }

    /** Reads the provider's value; never fails on an unknown one. */
    public static ServerStatus fromWire(String raw) {
        if (raw == null || raw.isBlank()) {
            return UNKNOWN;
        }
        String value = raw.strip();
        if (value.length() > 64) {
            value = value.substring(0, 64);
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "running", "active" -> new ServerStatus(Kind.RUNNING, value);
            case "stopped", "off" -> new ServerStatus(Kind.STOPPED, value);
            case "restoring" -> new ServerStatus(Kind.RESTORING, value);
            default -> new ServerStatus(Kind.UNKNOWN, value);
        };
    }
}
