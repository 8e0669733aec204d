package org.vpsrecovery.adapters.persistence.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A login in the service's role {@code vpsr_app} on the shared test server, for a test class's lifetime: the way an
 * operator's database runs the service, not as a superuser. Named per process, so parallel builds do not share it.
 */
public final class ApplicationLogin implements BeforeAllCallback, AfterAllCallback {

    private static final String PASSWORD = "test-only-app-password";

    private final String name;

    private ApplicationLogin(String name) {
        this.name = name;
    }

    /** A login named {@code prefix} and this process's id. */
    public static ApplicationLogin named(String prefix) {
        return new ApplicationLogin(prefix + "_" + ProcessHandle.current().pid());
    }

    public String name() {
        return name;
    }

    public String password() {
        return PASSWORD;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        PostgresServer.shared().execute("DROP ROLE IF EXISTS " + name);
        PostgresServer.shared().execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "' IN ROLE vpsr_app");
    }

    @Override
    public void afterAll(ExtensionContext context) {
        PostgresServer.shared().execute("DROP ROLE IF EXISTS " + name);
    }
}
