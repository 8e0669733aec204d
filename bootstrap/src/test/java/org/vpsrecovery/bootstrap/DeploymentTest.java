package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeploymentTest {

    @TempDir
    Path dir;

    @Test
    void nothingConfiguredMeansEverythingEmbeddedOnLoopback() {
        Deployment deployment = Deployment.fromEnvironment(Map.of());
        assertThat(deployment.database()).isEmpty();
        assertThat(deployment.provider()).isEmpty();
        assertThat(deployment.host()).isEqualTo("127.0.0.1");
        assertThat(deployment.port()).isEqualTo(8080);
        assertThat(deployment.dataDirectory().toString()).endsWith(".vps-recovery");
    }

    @Test
    void aGivenDatabaseAndProviderAreUsedAndTheServiceListensOnAllInterfaces() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"), "vpsr.teams.a.servers=1\\n");
        Map<String, String> env = Map.of(
                "VPSR_DATABASE_URL", "jdbc:postgresql://db:5432/vpsr",
                "VPSR_DATABASE_USER", "vpsr_service", "VPSR_DATABASE_PASSWORD", "s3cret",
                "VPSR_MIGRATION_USER", "vpsr_owner", "VPSR_MIGRATION_PASSWORD", "0wner",
                "VPSORG_API_TOKEN", "provider-secret", "VPSR_TEAMS_FILE", teams.toString(), "VPSR_PORT", "9090");

        Deployment deployment = Deployment.fromEnvironment(env);
        Map<String, Object> properties = deployment.properties();

        assertThat(deployment.host()).isEqualTo("0.0.0.0");
        assertThat(properties).containsEntry("datasources.default.username", "vpsr_service")
                .containsEntry("flyway.datasources.owner.user", "vpsr_owner")
                .containsEntry("flyway.datasources.default.enabled", false)
                .containsEntry("flyway.datasources.owner.enabled", true)
                .containsEntry("vpsorg.base-url", "https://admin.vps.org")
                .containsEntry("micronaut.server.port", 9090);
        // Secrets never appear in what the settings say of themselves.
        assertThat(deployment.toString()).doesNotContain("s3cret", "0wner", "provider-secret");
    }

    @Test
    void halfConfiguredPartsAreRefusedWithTheSettingNamed() {
        assertRefused(Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db/vpsr"), "VPSR_DATABASE_USER");
        assertRefused(Map.of("VPSR_DATABASE_URL", "mysql://db/vpsr", "VPSR_DATABASE_USER", "u", "VPSR_DATABASE_PASSWORD", "p"),
                "VPSR_DATABASE_URL must be a PostgreSQL JDBC URL");
        assertRefused(Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db/vpsr", "VPSR_DATABASE_USER", "u",
                "VPSR_DATABASE_PASSWORD", "p", "VPSR_MIGRATION_USER", "owner"), "VPSR_MIGRATION_PASSWORD");
        assertRefused(Map.of("VPSORG_BASE_URL", "https://admin.vps.org"), "VPSORG_API_TOKEN is required");
        assertRefused(Map.of("VPSORG_API_TOKEN", "t"), "VPSR_TEAMS_FILE is required");
        assertRefused(Map.of("VPSORG_API_TOKEN", "t", "VPSORG_BASE_URL", "ftp://x"), "VPSORG_BASE_URL must be an http(s) URL");
        assertRefused(Map.of("VPSORG_API_TOKEN", "t", "VPSR_TEAMS_FILE", "/nope"), "VPSR_TEAMS_FILE names /nope");
        assertRefused(Map.of("VPSR_PORT", "eighty"), "VPSR_PORT");
    }

    @Test
    void aRefusalNeverEchoesASecret() {
        Map<String, String> env = new HashMap<>(Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db/vpsr",
                "VPSR_DATABASE_PASSWORD", "top-secret-password"));
        assertThatThrownBy(() -> Deployment.fromEnvironment(env)).isInstanceOf(StartupRefused.class)
                .message().doesNotContain("top-secret-password");
    }

    private static void assertRefused(Map<String, String> env, String expected) {
        assertThatThrownBy(() -> Deployment.fromEnvironment(env)).isInstanceOf(StartupRefused.class)
                .hasMessageContaining(expected);
    }
}
