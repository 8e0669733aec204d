package org.vpsrecovery.domain.server;

import java.util.Objects;

/**
 * A server's status as far as the platform learns it: its {@link Kind}, and the {@code label} it is
 * shown with. The provider adapter decides both from what the provider reports; a status the
 * platform does not know is {@link Kind#UNKNOWN} and keeps the provider's word as its label.
 */
public record ServerStatus(Kind kind, String label) {

    public enum Kind { RUNNING, STOPPED, RESTORING, UNKNOWN }

    public static final ServerStatus RUNNING = new ServerStatus(Kind.RUNNING, "running");
    public static final ServerStatus STOPPED = new ServerStatus(Kind.STOPPED, "stopped");
    public static final ServerStatus RESTORING = new ServerStatus(Kind.RESTORING, "restoring");
    public static final ServerStatus UNKNOWN = new ServerStatus(Kind.UNKNOWN, "unknown");

    public static final int LABEL_MAX_LENGTH = 64;

    public ServerStatus {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(label, "label");
        if (label.isBlank() || label.length() > LABEL_MAX_LENGTH) {
            throw new IllegalArgumentException("server status label must be 1-" + LABEL_MAX_LENGTH + " characters");
        }
    }
}
