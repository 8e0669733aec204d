package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.simulator.LifecycleProfile;

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
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
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
                .containsEntry("micronaut.server.port", 9090)
                // The file's teams, as read and checked here; the file is not handed to Micronaut.
                .containsEntry("vpsr.teams.a.servers", "1")
                .doesNotContainKey("micronaut.config.files");
        // Secrets never appear in what the settings say of themselves.
        assertThat(deployment.toString()).doesNotContain("s3cret", "0wner", "provider-secret");
        // Outside the embedded demo, webhooks go to public addresses only unless allowed.
        assertThat(properties).containsEntry("vpsr.webhooks.allow-loopback", false)
                .containsEntry("vpsr.webhooks.allow-private-networks", false);
    }

    @Test
    void webhooksAllowLoopbackOnlyForTheEmbeddedDemoUnlessSaidOtherwise() {
        assertThat(Deployment.fromEnvironment(Map.of()).properties())
                .containsEntry("vpsr.webhooks.allow-loopback", true)
                .containsEntry("vpsr.webhooks.allow-private-networks", false)
                .containsEntry("vpsr.webhooks.max-attempts", 8)
                .containsEntry("vpsr.webhooks.first-retry", "30s");
        // An embedded instance opened to the network (its own teams: the demo ones stay on loopback) does not send
        // to its host's loopback.
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_HOST", "0.0.0.0", "VPSR_SIMULATOR", "embedded",
                "VPSR_TEAMS_FILE", teamsFile())).webhooks().allowLoopback()).isFalse();
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_WEBHOOKS_ALLOW_LOOPBACK", "false",
                "VPSR_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", "TRUE", "VPSR_WEBHOOKS_MAX_ATTEMPTS", "3",
                "VPSR_WEBHOOKS_FIRST_RETRY", "2m")).webhooks())
                .isEqualTo(new Deployment.Webhooks(false, true, 3, "2m"));
        assertRefused(Map.of("VPSR_WEBHOOKS_ALLOW_LOOPBACK", "yes"), "VPSR_WEBHOOKS_ALLOW_LOOPBACK must be true or false");
        assertRefused(Map.of("VPSR_WEBHOOKS_MAX_ATTEMPTS", "0"), "VPSR_WEBHOOKS_MAX_ATTEMPTS must be an integer 1-20");
        assertRefused(Map.of("VPSR_WEBHOOKS_FIRST_RETRY", "soon"), "VPSR_WEBHOOKS_FIRST_RETRY must be a duration");
    }

    /** The two settings of the recovery after the platform's database went back (docs/deploy.md, session 51). */
    @Test
    void theSettingsOfARecoveryAfterTheDatabaseWentBackReachTheService() throws Exception {
        assertThat(Deployment.fromEnvironment(Map.of()).properties()).containsEntry("vpsr.paused-after-restore", false)
                .doesNotContainKey("vpsr.audit.superseded-checkpoints");
        Path setAside = Files.writeString(dir.resolve("chain-checkpoints-2026-12-07.jsonl"), "{}\n");
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_PAUSED_AFTER_RESTORE", "true",
                "VPSR_AUDIT_SUPERSEDED_CHECKPOINTS", setAside.toString())).properties())
                .containsEntry("vpsr.paused-after-restore", true)
                .containsEntry("vpsr.audit.superseded-checkpoints", setAside.toAbsolutePath().toString());
        assertRefused(Map.of("VPSR_PAUSED_AFTER_RESTORE", "yes"), "VPSR_PAUSED_AFTER_RESTORE must be true or false");
        assertRefused(Map.of("VPSR_AUDIT_SUPERSEDED_CHECKPOINTS", dir.resolve("absent.jsonl").toString()),
                "VPSR_AUDIT_SUPERSEDED_CHECKPOINTS names");
    }

    @Test
    void skippingAReleaseIsRefusedUnlessTheOperatorSaysNoOlderInstanceRuns() {
        // ADR 0142, amended in session 56: read by the start's schema check (UpgradeFromThePreviousRelease).
        // Unset, the key is left out: the context's properties rank above -D, so a false put here would override the
        // -Dvpsr.migration.allow-skipping-releases=true the refusal's line names.
        assertThat(Deployment.fromEnvironment(Map.of()).properties())
                .doesNotContainKey("vpsr.migration.allow-skipping-releases");
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES", "false")).properties())
                .doesNotContainKey("vpsr.migration.allow-skipping-releases");
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES", "true")).properties())
                .containsEntry("vpsr.migration.allow-skipping-releases", true);
        assertRefused(Map.of("VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES", "yes"),
                "VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES must be true or false");
    }

    @Test
    void checkpointsDefaultToTheDataDirectoryAndFollowTheirSettings() throws Exception {
        Path data = dir.resolve("data");
        Deployment defaults = Deployment.fromEnvironment(Map.of("VPSR_DATA_DIR", data.toString()));
        assertThat(defaults.checkpoints()).isEqualTo(new Deployment.Checkpoints(data.resolve("checkpoints"),
                Optional.empty(), List.of()));
        assertThat(defaults.properties()).containsEntry("vpsr.data-directory", data.toAbsolutePath().toString())
                .containsEntry("vpsr.audit.checkpoint.directory", data.resolve("checkpoints").toAbsolutePath().toString())
                .doesNotContainKeys("vpsr.audit.checkpoint.signing-key-file", "vpsr.audit.checkpoint.trusted-public-keys");

        Path key = Files.writeString(dir.resolve("key.pem"), "a key");
        Path old = Files.writeString(dir.resolve("old.pub.pem"), "a public key");
        Path other = Files.writeString(dir.resolve("other.pub.pem"), "another");
        Map<String, Object> configured = Deployment.fromEnvironment(Map.of("VPSR_CHECKPOINT_KEY_FILE", key.toString(),
                "VPSR_CHECKPOINT_DIR", dir.resolve("witness").toString(),
                "VPSR_CHECKPOINT_TRUSTED_KEYS", old + ", " + other)).properties();
        assertThat(configured).containsEntry("vpsr.audit.checkpoint.signing-key-file", key.toAbsolutePath().toString())
                .containsEntry("vpsr.audit.checkpoint.directory", dir.resolve("witness").toAbsolutePath().toString())
                .containsEntry("vpsr.audit.checkpoint.trusted-public-keys", old.toAbsolutePath() + ","
                        + other.toAbsolutePath());
    }

    @Test
    void theEmbeddedSimulatorRunsTheDemoProfileUnlessAnotherIsNamed() {
        assertThat(Deployment.fromEnvironment(Map.of()).simulatorProfile()).isEqualTo(LifecycleProfile.DEMO);
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_SIMULATOR_PROFILE", " Realistic ")).simulatorProfile())
                .isEqualTo(LifecycleProfile.REALISTIC);
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_SIMULATOR_PROFILE", "fast")).simulatorProfile())
                .isEqualTo(LifecycleProfile.FAST);
        assertRefused(Map.of("VPSR_SIMULATOR_PROFILE", "slow"), "VPSR_SIMULATOR_PROFILE must be one of fast, demo, realistic");
    }

    @Test
    void aSimulatorProfileIsRefusedWithTheRealProvider() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
        assertRefused(Map.of("VPSORG_API_TOKEN", "provider-secret", "VPSR_TEAMS_FILE", teams.toString(),
                "VPSR_DATABASE", "embedded", "VPSR_SIMULATOR_PROFILE", "realistic"),
                "VPSR_SIMULATOR_PROFILE applies to the embedded simulator only");
    }

    @Test
    void aProductionConfigurationWhoseDatabaseDidNotArriveIsRefusedNotRunOnAnEmbeddedOne() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
        // The real VPS.org and the teams file arrived, the database's secret did not: an embedded PostgreSQL
        // would have kept this instance's own locks, idempotency records and audit chain.
        Map<String, String> production = Map.of("VPSORG_API_TOKEN", "provider-secret", "VPSR_TEAMS_FILE", teams.toString());
        assertRefused(production, "VPSR_DATABASE_URL is required with VPSORG_API_TOKEN");
        assertRefused(with(production, "VPSR_DATABASE_PASSWORD", ""), "VPSR_DATABASE_URL must be a PostgreSQL JDBC URL");

        // Asked for by name, the embedded PostgreSQL runs beside the real VPS.org (benchmarks).
        Deployment embeddedDatabase = Deployment.fromEnvironment(with(production, "VPSR_DATABASE", "embedded"));
        assertThat(embeddedDatabase.database()).isEmpty();
        assertThat(embeddedDatabase.provider()).isPresent();
        assertRefused(with(production, "VPSR_DATABASE", "yes"), "VPSR_DATABASE must be embedded");
        Map<String, String> both = with(with(with(with(production, "VPSR_DATABASE", "embedded"), "VPSR_DATABASE_URL",
                "jdbc:postgresql://db/vpsr"), "VPSR_DATABASE_USER", "u"), "VPSR_DATABASE_PASSWORD", "p");
        assertRefused(both, "VPSR_DATABASE=embedded runs an embedded PostgreSQL in place of VPSR_DATABASE_URL");
        // The simulator's own cases need no name: nothing set, or VPSR_SIMULATOR=embedded with a teams file.
        assertThat(Deployment.fromEnvironment(Map.of()).database()).isEmpty();
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_TEAMS_FILE", teams.toString(), "VPSR_SIMULATOR", "embedded"))
                .database()).isEmpty();
    }

    @Test
    void theDemoCredentialsAreServedOnLoopbackOnly() throws Exception {
        // The simulator beside a real database, without a teams file: the demo teams, auditor and people serve.
        Map<String, String> simulatedOnADatabase = Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db/vpsr",
                "VPSR_DATABASE_USER", "u", "VPSR_DATABASE_PASSWORD", "p", "VPSR_SIMULATOR", "embedded");
        Deployment demo = Deployment.fromEnvironment(simulatedOnADatabase);
        assertThat(demo.servesDemoCredentials()).isTrue();
        assertThat(demo.host()).isEqualTo("127.0.0.1");
        assertRefused(with(simulatedOnADatabase, "VPSR_HOST", "0.0.0.0"),
                "VPSR_HOST=0.0.0.0 would serve the demo teams' credentials");
        assertRefused(Map.of("VPSR_HOST", "0.0.0.0"), "VPSR_HOST=0.0.0.0 would serve the demo teams' credentials");
        assertRefused(Map.of("VPSR_HOST", "192.0.2.7"), "VPSR_HOST=192.0.2.7 would serve the demo teams' credentials");
        assertThat(Deployment.fromEnvironment(Map.of("VPSR_HOST", "localhost")).host()).isEqualTo("localhost");

        // With a teams file no demo credential exists: all interfaces, as configured.
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
        Deployment ownTeams = Deployment.fromEnvironment(with(simulatedOnADatabase, "VPSR_TEAMS_FILE", teams.toString()));
        assertThat(ownTeams.servesDemoCredentials()).isFalse();
        assertThat(ownTeams.host()).isEqualTo("0.0.0.0");
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
        assertRefused(Map.of("VPSR_CHECKPOINT_KEY_FILE", "/nope.pem"), "VPSR_CHECKPOINT_KEY_FILE names /nope.pem");
        assertRefused(Map.of("VPSR_CHECKPOINT_TRUSTED_KEYS", "/nope.pub.pem"), "VPSR_CHECKPOINT_TRUSTED_KEYS names");
    }

    @Test
    void aProductionConfigurationWhoseTokenDidNotArriveIsRefusedNotRunOnTheSimulator() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
        Map<String, String> production = Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db:5432/vpsr",
                "VPSR_DATABASE_USER", "vpsr_service", "VPSR_DATABASE_PASSWORD", "s3cret",
                "VPSR_TEAMS_FILE", teams.toString());
        // Unset, or mounted empty: either would have started the simulator against the production database.
        assertRefused(production, "VPSORG_API_TOKEN is required with VPSR_DATABASE_URL");
        assertRefused(with(production, "VPSORG_API_TOKEN", ""), "VPSORG_API_TOKEN is set but empty");
        assertRefused(with(production, "VPSORG_API_TOKEN", " \n"), "VPSORG_API_TOKEN is set but empty");
        assertRefused(Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db:5432/vpsr", "VPSR_DATABASE_USER", "u",
                "VPSR_DATABASE_PASSWORD", "p"), "VPSORG_API_TOKEN is required with VPSR_DATABASE_URL");
        assertRefused(Map.of("VPSR_TEAMS_FILE", teams.toString()), "VPSORG_API_TOKEN is required with VPSR_TEAMS_FILE");
        assertRefused(Map.of("VPSORG_API_TOKEN", ""), "VPSORG_API_TOKEN is set but empty");
        assertRefused(with(with(production, "VPSORG_API_TOKEN", "t"), "VPSORG_BASE_URL", ""),
                "VPSORG_BASE_URL is set but empty");

        // Asked for by name, the simulator runs beside a database and teams file (tests, benchmarks).
        Deployment simulated = Deployment.fromEnvironment(with(production, "VPSR_SIMULATOR", "embedded"));
        assertThat(simulated.provider()).isEmpty();
        assertThat(simulated.database()).isPresent();
        assertThat(simulated.teamsFile()).isPresent();
        assertThat(Deployment.fromEnvironment(with(with(production, "VPSR_SIMULATOR", "embedded"),
                "VPSORG_API_TOKEN", "")).provider()).isEmpty();
        assertRefused(with(with(production, "VPSR_SIMULATOR", "embedded"), "VPSORG_API_TOKEN", "t"),
                "VPSR_SIMULATOR=embedded runs the simulator in place of VPS.org");
        assertRefused(with(production, "VPSR_SIMULATOR", "yes"), "VPSR_SIMULATOR must be embedded");
        // And nothing at all is still the embedded defaults.
        assertThat(Deployment.fromEnvironment(Map.of()).provider()).isEmpty();
    }

    @Test
    void theProviderTokenNeverTravelsOverPlainHttpBeyondLoopback() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
        Map<String, String> production = Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db:5432/vpsr",
                "VPSR_DATABASE_USER", "vpsr_service", "VPSR_DATABASE_PASSWORD", "s3cret",
                "VPSORG_API_TOKEN", "provider-secret", "VPSR_TEAMS_FILE", teams.toString());

        assertRefused(with(production, "VPSORG_BASE_URL", "http://admin.vps.org"),
                "VPSORG_BASE_URL must be https (http only on loopback): over http to admin.vps.org the API token");
        assertRefused(with(production, "VPSORG_BASE_URL", "http://10.0.0.7:8080/api"), "VPSORG_BASE_URL must be https");
        // The simulator on this machine (tests, benchmarks) still answers over http.
        assertThat(Deployment.fromEnvironment(with(production, "VPSORG_BASE_URL", "http://127.0.0.1:8081")).provider())
                .isPresent();
        assertThat(Deployment.fromEnvironment(with(production, "VPSORG_BASE_URL", "http://localhost:8081")).provider())
                .isPresent();
        assertThat(Deployment.fromEnvironment(with(production, "VPSORG_BASE_URL", "https://vps.example")).provider())
                .isPresent();
    }

    @Test
    void theDatabasePasswordIsGivenInItsOwnVariableNeverInTheUrlNorEmpty() throws Exception {
        Path teams = Files.writeString(dir.resolve("teams.properties"),
                "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
        Map<String, String> production = Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db:5432/vpsr",
                "VPSR_DATABASE_USER", "vpsr_service", "VPSR_DATABASE_PASSWORD", "s3cret",
                "VPSORG_API_TOKEN", "provider-secret", "VPSR_TEAMS_FILE", teams.toString());

        // /health shows the URL to auditors: a password in it would be shown too.
        for (String url : List.of("jdbc:postgresql://db:5432/vpsr?password=url-secret",
                "jdbc:postgresql://db:5432/vpsr?ssl=true&sslpassword=url-secret",
                "jdbc:postgresql://db:5432/vpsr?user=vpsr_service&Password=url-secret")) {
            assertThatThrownBy(() -> Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL", url)))
                    .isInstanceOf(StartupRefused.class)
                    .hasMessageContaining("VPSR_DATABASE_URL must not carry a password")
                    .hasMessageContaining("VPSR_DATABASE_PASSWORD")
                    .message().doesNotContain("url-secret");
        }
        // user:password@host (session 52): PgJDBC took it for a host name and the start failed printing it.
        for (String url : List.of("jdbc:postgresql://postgres:url-secret@127.0.0.1:5432/vpsr",
                "jdbc:postgresql://postgres:url-secret@db/vpsr?sslmode=require", "jdbc:postgresql://url-secret@db",
                "jdbc:postgresql://db1:5432,postgres:url-secret@db2:5432/vpsr", "jdbc:postgresql://a:url-secret@db?x=1",
                // A password holding / or ? (own-merge review): the part up to the first / had no @.
                "jdbc:postgresql://postgres:url/secret@db:5432/vpsr")) {
            assertThatThrownBy(() -> Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL", url)))
                    .isInstanceOf(StartupRefused.class)
                    .hasMessageContaining("VPSR_DATABASE_URL must not carry a user or password before its host")
                    .hasMessageContaining("VPSR_DATABASE_PASSWORD")
                    .message().doesNotContain("url-secret").doesNotContain("postgres:").doesNotContain("jdbc:");
        }
        // A ? in the password ends the servers early: PgJDBC's own rule (one / after the hosts) refuses it unprinted.
        assertThatThrownBy(() -> Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL",
                "jdbc:postgresql://postgres:url?secret@db/vpsr")))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("exactly one / after the host")
                .message().doesNotContain("url?secret").doesNotContain("jdbc:postgresql://postgres");
        // A / then a ? in it (ownG): "user:pass" stood where the hosts do, and PgJDBC warned of its "port".
        assertThatThrownBy(() -> Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL",
                "jdbc:postgresql://vpsr:Ab3/x?y@db:5432/vpsr")))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("each port digits")
                .message().doesNotContain("Ab3");
        for (String valid : List.of("jdbc:postgresql://db1:5432,db2:5433/vpsr?targetServerType=primary",
                "jdbc:postgresql://[::1]:5432/vpsr", "jdbc:postgresql://10.0.0.5/vpsr", "jdbc:postgresql:///vpsr")) {
            assertThat(Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL", valid)).database()).as(valid)
                    .isPresent();
        }
                // An @ after the host (a parameter's value) is not the authority's.
        assertThat(Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL",
                "jdbc:postgresql://db:5432/vpsr?ApplicationName=vpsr@eu")).database()).isPresent();
        // Set but empty: a secret that did not arrive, as the provider's token.
        assertRefused(with(production, "VPSR_DATABASE_PASSWORD", ""), "VPSR_DATABASE_PASSWORD is set but empty");
        assertRefused(with(production, "VPSR_DATABASE_PASSWORD", " "), "VPSR_DATABASE_PASSWORD is set but empty");
        assertRefused(with(with(production, "VPSR_MIGRATION_USER", "vpsr_owner"), "VPSR_MIGRATION_PASSWORD", ""),
                "VPSR_MIGRATION_PASSWORD is set but empty");
        // Other parameters are fine.
        assertThat(Deployment.fromEnvironment(with(production, "VPSR_DATABASE_URL",
                "jdbc:postgresql://db:5432/vpsr?sslmode=verify-full&ApplicationName=vpsr")).database()).isPresent();
    }

    @Test
    void aDatabaseNamedThroughMicronautIsRefusedNotReplacedByAnEmbeddedOne() {
        // What README-persistence and ADR 0021 once documented: the embedded PostgreSQL's URL, set above
        // both, would have given this instance a database of its own.
        String refusal = "is not read: the service's database is set with VPSR_DATABASE_URL";
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("DATASOURCES_DEFAULT_URL", "jdbc:postgresql://db/vpsr",
                "DATASOURCES_DEFAULT_USERNAME", "vpsr_service"), Map.of()))
                .isInstanceOf(StartupRefused.class).hasMessageStartingWith("DATASOURCES_DEFAULT_URL " + refusal);
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of(), Map.of("datasources.default.url", "jdbc:postgresql://db/vpsr")))
                .isInstanceOf(StartupRefused.class).hasMessageStartingWith("-Ddatasources.default.url " + refusal);
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of(), Map.of("datasources.default.jdbc-url", "jdbc:postgresql://db/vpsr")))
                .isInstanceOf(StartupRefused.class).hasMessageStartingWith("-Ddatasources.default.jdbc-url " + refusal);
        // A file Micronaut reads names it too (ADR 0021, session 37), in any of its formats.
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("MICRONAUT_CONFIG_FILES", configFile("tuning.properties",
                "datasources.default.maximum-pool-size=24\ndatasources.default.url=jdbc:postgresql://db/vpsr\n")), Map.of()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("datasources.default.url in ").hasMessageContaining(refusal);
        String json = configFile("tuning.json", "{\"datasources\": {\"default\": {\"jdbc-url\": \"jdbc:postgresql://db/vpsr\"}}}");
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of(), Map.of("micronaut.config.files",
                configFile("other.properties", "vpsr.tracking.batch=300\n") + "," + json)))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("datasources.default.jdbc-url in " + json);
        // As Micronaut names them: a file: location, and the system property's list besides the variable's.
        String url = configFile("url.properties", "datasources.default.url=jdbc:postgresql://db/vpsr\n");
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("MICRONAUT_CONFIG_FILES", "file:" + url), Map.of()))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("datasources.default.url in file:" + url);
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("MICRONAUT_CONFIG_FILES",
                configFile("pool.properties", "datasources.default.maximum-pool-size=24\n")),
                Map.of("micronaut.config.files", url)))
                .isInstanceOf(StartupRefused.class).hasMessageContaining("datasources.default.url in " + url);
        assertThat(Deployment.fromEnvironment(Map.of("MICRONAUT_CONFIG_FILES", configFile("pool.json",
                "{\"datasources\": {\"default\": {\"maximum-pool-size\": 24}}}")), Map.of()).database()).isEmpty();
        // The documented database wins as before; a pool size from -D is a fine-tuning key, not a database.
        Map<String, String> documented = Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db/vpsr", "VPSR_DATABASE_USER", "u",
                "VPSR_DATABASE_PASSWORD", "p", "VPSR_SIMULATOR", "embedded");
        assertThat(Deployment.fromEnvironment(documented, Map.of("datasources.default.url", "jdbc:postgresql://other/x"))
                .properties()).containsEntry("datasources.default.url", "jdbc:postgresql://db/vpsr");
        assertThat(Deployment.fromEnvironment(Map.of(), Map.of("datasources.default.maximum-pool-size", "24")).database())
                .isEmpty();
    }

    private String configFile(String name, String content) {
        try {
            Path file = Files.createTempDirectory(dir, "config").resolve(name);
            Files.writeString(file, content);
            return file.toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String teamsFile() {
        return configFile("teams.properties", "vpsr.teams.a.token-sha256=" + "a".repeat(64) + "\nvpsr.teams.a.servers=1\n");
    }

    private static Map<String, String> with(Map<String, String> env, String name, String value) {
        Map<String, String> more = new HashMap<>(env);
        more.put(name, value);
        return more;
    }

    @Test
    void aTeamsFileIsCheckedWholeBeforeTheServiceStartsAndAWrongEntryIsNamed() throws Exception {
        String digest = "b".repeat(64);
        assertTeamsFileRefused("vpsr.teams.payments.servers=12345\n", "vpsr.teams.payments.token-sha256 is required");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.teams.payments.servers=12345\nvpsr.auditors.compliance.token-sha256="
                + digest + "\n", "vpsr.teams.payments.token-sha256 and vpsr.auditors.compliance.token-sha256 hold the same");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.teams.payments.servers=12345,abc\n",
                "vpsr.teams.payments.servers must be positive integers, was abc");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=not-a-digest\n", "vpsr.teams.payments.token-sha256 must be 64 hex");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.teams.payments.snapshots-per-server=three\n",
                "vpsr.teams.payments.snapshots-per-server must be a whole number");
        // What the environment variable VPSR_TEAMS_FILE would have become as a Micronaut property.
        assertTeamsFileRefused("vpsr.teams.file=/etc/vpsr/teams.properties\n", "vpsr.teams.file is not a team setting");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.teams.payments.sevrers=1\n",
                "vpsr.teams.payments.sevrers is not a team setting");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nmicronaut.server.port=1\n",
                "micronaut.server.port (line 2) is not a team or auditor setting");
        // A line that names no setting may be a pasted secret: stderr (logged, shipped) gets its number only.
        Path pasted = Files.writeString(dir.resolve("pasted-teams.properties"), "vpsr.teams.payments.token-sha256="
                + digest + "\n\n  ghp_PastedTokenNotADigest123\n");
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_TEAMS_FILE", pasted.toString())))
                .isInstanceOf(StartupRefused.class)
                .hasMessageStartingWith("VPSR_TEAMS_FILE " + pasted + ": line 3 is not a team or auditor setting")
                .message().doesNotContain("ghp_", "PastedToken");
        Path colon = Files.writeString(dir.resolve("colon-teams.properties"), "api-token: s3cr3t-value\n");
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_TEAMS_FILE", colon.toString())))
                .hasMessageContaining(": line 1 is not a team or auditor setting").message().doesNotContain("api-token", "s3cr3t");
        assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.auditors.compliance.token=x\n",
                "vpsr.auditors.compliance.token-sha256 is required");
        assertTeamsFileRefused("# auditors only\nvpsr.auditors.compliance.token-sha256=" + digest + "\n", "no team is configured");
    }

    /**
     * A digest of a token anyone can read (the demo's, printed at its start; the README's examples once gave those of
     * test, test2, test3 and compliance-token) stops the start, naming the key and never the token (ADR 0034).
     */
    @Test
    void aTeamsFileHoldingTheDigestOfAPublishedTokenIsRefusedByKey() throws Exception {
        String own = "b".repeat(64);
        for (String published : ConfiguredTeams.PUBLISHED_TOKENS) {
            String digest = HashedTeamTokens.sha256Hex(published).toUpperCase(java.util.Locale.ROOT);
            assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.teams.payments.servers=12345\n",
                    "vpsr.teams.payments.token-sha256 is the digest of a published token");
            assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + own + "\nvpsr.teams.payments.servers=12345\n"
                    + "vpsr.teams.payments.tokens.ci.sha256=" + digest + "\n",
                    "vpsr.teams.payments.tokens.ci.sha256 is the digest of a published token");
            assertTeamsFileRefused("vpsr.teams.payments.token-sha256=" + own + "\nvpsr.teams.payments.servers=12345\n"
                    + "vpsr.auditors.compliance.token-sha256=" + digest + "\n",
                    "vpsr.auditors.compliance.token-sha256 is the digest of a published token");
            Path teams = Files.writeString(dir.resolve("published-teams.properties"),
                    "vpsr.teams.payments.token-sha256=" + digest + "\nvpsr.teams.payments.servers=12345\n");
            assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_TEAMS_FILE", teams.toString())))
                    .message().doesNotContain(digest, digest.toLowerCase(java.util.Locale.ROOT), "-token");
        }
    }

    @Test
    void onlyOurOwnVariablesAreKeptFromMicronautsEnvironment() {
        assertThat(Deployment.ownVariables(Map.of("VPSR_TEAMS_FILE", "f", "VPSORG_API_TOKEN", "t", "VPSR_DATA_DIR", "d",
                "MICRONAUT_CONFIG_FILES", "c", "HOME", "/root", "XVPSR_X", "x")))
                .containsExactly("VPSORG_API_TOKEN", "VPSR_DATA_DIR", "VPSR_TEAMS_FILE");
    }

    @Test
    void aMisspeltVariableOfOursStopsTheStartNamingItAndTheNearestKnownNameNeverItsValue() {
        // Session 56: VPSR_PAUSED_AFTER_RESTOR=true started a service that took a create the pause refuses.
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_PAUSED_AFTER_RESTOR", "true")))
                .isInstanceOf(StartupRefused.class)
                .hasMessageStartingWith("the environment variable VPSR_PAUSED_AFTER_RESTOR (nearest known: "
                        + "VPSR_PAUSED_AFTER_RESTORE) is not read by vps-recovery")
                .message().doesNotContain("true");
        // Before the refusal the missing secret would cause: the misspelt name is what to fix. Its value, a secret, unnamed.
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_DATABASE_URL", "jdbc:postgresql://db/vpsr",
                "VPSR_DATABASE_USER", "vpsr", "VPSR_DATABASE_PASWORD", "s3cret-value", "VPSORG_API_TOKN", "t0ken-value")))
                .hasMessageStartingWith("the environment variables VPSORG_API_TOKN (nearest known: VPSORG_API_TOKEN), "
                        + "VPSR_DATABASE_PASWORD (nearest known: VPSR_DATABASE_PASSWORD) are not read")
                .message().doesNotContain("s3cret-value", "t0ken-value");
        // Micronaut does not read our prefixes either: a fine-tuning key given as a variable is refused, not dropped.
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSORG_READ_TIMEOUT", "5s")))
                .hasMessageContaining("VPSORG_READ_TIMEOUT").hasMessageContaining("-D system properties");
    }

    @Test
    void theVariablesOfTheToolsBesideTheServiceDoNotStopIt() {
        // An operator's shell with the vpsr command's, the benchmarks' or the tests' variables exported.
        Deployment deployment = Deployment.fromEnvironment(Map.of("VPSR_URL", "http://127.0.0.1:8080", "VPSR_TOKEN",
                "demo-team-token", "VPSR_BENCH_JAR", "x.jar", "VPSR_TEST_DB_URL", "jdbc:postgresql://db/t",
                "VPSR_PORT", "9090", "XVPSR_X", "not ours"));
        assertThat(deployment.port()).isEqualTo(9090);
    }

    @Test
    void kubernetesServiceLinksOfServicesNamedLikeOursDoNotStopTheStart() {
        // Session 56: a Service vpsr-db in the namespace gave the pod these (enableServiceLinks is on by default).
        Deployment deployment = Deployment.fromEnvironment(Map.ofEntries(
                Map.entry("VPSR_DB_SERVICE_HOST", "10.0.0.11"), Map.entry("VPSR_DB_SERVICE_PORT", "5432"),
                Map.entry("VPSR_DB_SERVICE_PORT_POSTGRES", "5432"), Map.entry("VPSR_DB_PORT", "tcp://10.0.0.11:5432"),
                Map.entry("VPSR_DB_PORT_5432_TCP", "tcp://10.0.0.11:5432"),
                Map.entry("VPSR_DB_PORT_5432_TCP_ADDR", "10.0.0.11"), Map.entry("VPSR_DB_PORT_5432_TCP_PORT", "5432"),
                Map.entry("VPSR_DB_PORT_5432_TCP_PROTO", "tcp"), Map.entry("VPSORG_MOCK_SERVICE_HOST", "10.0.0.12"),
                Map.entry("VPSR_SERVICE_HOST", "10.0.0.13"), Map.entry("VPSR_PORT_8080_TCP_ADDR", "10.0.0.13"),
                Map.entry("VPSR_PORT", "9090")));
        assertThat(deployment.port()).as("VPSR_PORT is still read").isEqualTo(9090);
        // A Service named vpsr sets VPSR_PORT itself, to its address: told plainly, not as a bad port number.
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_PORT", "tcp://10.0.0.13:8080")))
                .isInstanceOf(StartupRefused.class)
                .hasMessageContaining("Kubernetes' service link").hasMessageContaining("enableServiceLinks: false")
                .hasMessageContaining("rename the Service");
        // Of a link's shape but a few edits from a known name, or a bare NAME_PORT holding no address: still refused.
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_TRAN_PORT", "9999")))
                .hasMessageStartingWith("the environment variable VPSR_TRAN_PORT (nearest known: VPSR_TRAIN_PORT)");
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_DATABASE_SERVICE_PORT", "5432",
                "VPSR_SOMETHING_PORT", "5432")))
                .hasMessageStartingWith("the environment variable VPSR_SOMETHING_PORT (nearest known: ");
    }

    @Test
    void theNearestKnownNameIsTheFewestEditsAway() {
        assertThat(KnownVariables.editDistance("VPSR_HOTS", "VPSR_HOST")).isEqualTo(2);
        assertThat(KnownVariables.editDistance("", "ABC")).isEqualTo(3);
        assertThat(KnownVariables.nearest("VPSR_CHECKPOINT_KEY_FLE")).isEqualTo("VPSR_CHECKPOINT_KEY_FILE");
        assertThat(KnownVariables.nearest("VPSR_TEAM_FILE")).isEqualTo("VPSR_TEAMS_FILE");
    }

    private void assertTeamsFileRefused(String content, String expected) throws Exception {
        Path teams = Files.writeString(dir.resolve("refused-teams.properties"), content);
        assertRefused(Map.of("VPSORG_API_TOKEN", "provider-secret", "VPSR_TEAMS_FILE", teams.toString()), expected);
        assertThatThrownBy(() -> Deployment.fromEnvironment(Map.of("VPSR_TEAMS_FILE", teams.toString())))
                .hasMessageStartingWith("VPSR_TEAMS_FILE " + teams + ": ")
                .message().doesNotContain("provider-secret");
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
