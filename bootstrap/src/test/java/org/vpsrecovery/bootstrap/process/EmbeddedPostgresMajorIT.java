package org.vpsrecovery.bootstrap.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * The embedded default on a data directory another PostgreSQL major version made, as after a jar built on newer
 * binaries replaced one built on older (ADR 0102, amended in session 47). PostgreSQL refuses such a directory at
 * once, but zonky logged why below the level shown and waited its whole start wait (120 s), then the service exited
 * with status 1 and a trace. The start is refused before any PostgreSQL runs, naming both versions.
 */
class EmbeddedPostgresMajorIT {

    @Test
    void aDataDirectoryOfAnotherMajorVersionIsRefusedAtOnceNamingBoth() throws IOException {
        Path dataDirectory = ServiceProcess.newDirectory("other-major-data");
        Path postgresDirectory = Files.createDirectories(dataDirectory.resolve("postgres"));
        // What initdb of PostgreSQL 16 leaves that matters here (no bundle is 16: the service needs 17 or newer).
        Files.writeString(postgresDirectory.resolve("PG_VERSION"), "16\n");
        Files.writeString(postgresDirectory.resolve("postgresql.conf"), "");

        try (ServiceProcess refused = ServiceProcess.builder("other-major")
                .env("VPSR_DATA_DIR", dataDirectory.toString()).launch()) {
            // Well inside zonky's 120 s wait, which the refusal no longer reaches.
            int exitCode = refused.awaitExit(Duration.ofSeconds(60));

            assertThat(exitCode).as(refused.stderr()).isEqualTo(2);
            assertThat(refused.stderr()).contains("vps-recovery cannot start: the embedded PostgreSQL's data directory "
                    + postgresDirectory + " was made by PostgreSQL 16", "pg_upgrade").doesNotContain("\tat ");
            assertThat(refused.stdout()).doesNotContain("listening on");
        }
        assertThat(postgresDirectory.resolve("postmaster.pid")).as("no PostgreSQL was started").doesNotExist();
        assertThat(postgresDirectory.resolve("PG_VERSION")).hasContent("16\n");
    }
}
