package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.exceptions.BeanInstantiationException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.persistence.PostgresServerTooOld;

/** What Application prints when Micronaut's start fails (ADR 0021, amended in session 42). */
class StartRefusalMessageTest {

    @Test
    void aCheckedSettingIsOneLineNamingItsKey() {
        assertThat(said(wrapped(new StartupRefused("vpsr.drift.stuck-after must be positive, was PT0S"))))
                .isEqualTo("vps-recovery cannot start: vpsr.drift.stuck-after must be positive, was PT0S\n");
        assertThat(said(wrapped(new IllegalArgumentException("vpsr.idempotency.lease must be positive"))))
                .isEqualTo("vps-recovery cannot start: vpsr.idempotency.lease must be positive\n");
    }

    @Test
    void aDatabaseServerTooOldIsOneLineInV64sWords() {
        assertThat(said(wrapped(new PostgresServerTooOld("16.4"))))
                .isEqualTo("vps-recovery cannot start: vps-recovery needs PostgreSQL 17 or newer; this server is "
                        + "PostgreSQL 16.4 (upgrade the server (pg_upgrade, or a dump restored into 17), then start "
                        + "vps-recovery again)\n");
    }

    @Test
    void aRefusalWithoutAMessageShowsItsTraceRatherThanOnlyItsType() {
        // What a library's own check of a value we passed on unchecked throws (a scheduler's non-positive period).
        String said = said(wrapped(new IllegalArgumentException()));

        assertThat(said).startsWith("vps-recovery cannot start: java.lang.IllegalArgumentException without a message")
                .contains("\tat ");
    }

    @Test
    void anythingElseKeepsItsTrace() {
        assertThat(said(wrapped(new IllegalStateException("connection refused"))))
                .startsWith("vps-recovery cannot start: connection refused\n").contains("\tat ");
    }

    private static RuntimeException wrapped(RuntimeException cause) {
        return new BeanInstantiationException("Error instantiating bean", cause);
    }

    private static String said(Throwable failure) {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Application.sayWhyNotStarted(failure, new PrintStream(err, true, StandardCharsets.UTF_8));
        return err.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
    }
}
