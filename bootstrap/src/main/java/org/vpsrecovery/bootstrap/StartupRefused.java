package org.vpsrecovery.bootstrap;

/** A required setting is missing or malformed: the service does not start, and says which one. */
public final class StartupRefused extends RuntimeException {

    public StartupRefused(String message) {
        super(message, null, false, false);
    }
}
