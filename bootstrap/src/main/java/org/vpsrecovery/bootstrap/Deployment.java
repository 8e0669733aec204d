package org.vpsrecovery.bootstrap;

import io.micronaut.context.env.PropertySourceLoader;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Stream;
import org.vpsrecovery.adapters.persistence.UpgradeFromThePreviousRelease;
import org.vpsrecovery.simulator.LifecycleProfile;

/**
 * What to run against, read from the environment. Nothing set: the embedded defaults (a
 * PostgreSQL started from embedded binaries, the VPS.org simulator on loopback, two demo teams).
 * Each part can be pointed at the real thing on its own; a part half configured is refused. The
 * simulator stands in for VPS.org only on embedded defaults or when asked for by name
 * ({@code VPSR_SIMULATOR=embedded}): a real database or a teams file without {@code VPSORG_API_TOKEN},
 * or a {@code VPSORG_*} variable set but empty (a secret mounted wrong), is refused, so a production
 * instance never follows the shared operations against the simulator's empty lists. Likewise the
 * embedded PostgreSQL stands in for the database beside the real VPS.org only when asked for by name
 * ({@code VPSR_DATABASE=embedded}), so an instance whose database secret did not arrive does not keep
 * locks, idempotency records and an audit chain of its own.
 *
 * <ul>
 *   <li>{@code VPSR_DATABASE_URL}, {@code VPSR_DATABASE_USER}, {@code VPSR_DATABASE_PASSWORD}: the
 *   service's PostgreSQL login (in production, a role granted {@code vpsr_app});
 *   {@code VPSR_MIGRATION_USER}, {@code VPSR_MIGRATION_PASSWORD}: the schema owner Flyway migrates as
 *   (defaults to the service's login). {@code VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES}: {@code true} lets a start
 *   migrate a schema older than the previous release's last migration, which it otherwise refuses (only when no
 *   instance of an older release runs; ADR 0142, amended in session 56).</li>
 *   <li>{@code VPSORG_BASE_URL}, {@code VPSORG_API_TOKEN}: the real VPS.org. Required with
 *   {@code VPSR_DATABASE_URL} or {@code VPSR_TEAMS_FILE} unless {@code VPSR_SIMULATOR=embedded};
 *   refused when set but empty.</li>
 *   <li>{@code VPSR_SIMULATOR}: {@code embedded} runs the in-process simulator in place of VPS.org
 *   beside a configured database or teams file (tests, benchmarks); refused with {@code VPSORG_*}.</li>
 *   <li>{@code VPSR_DATABASE}: {@code embedded} runs an embedded PostgreSQL beside the real VPS.org
 *   (benchmarks); without it {@code VPSORG_API_TOKEN} requires {@code VPSR_DATABASE_URL}, and it is
 *   refused with {@code VPSR_DATABASE_URL}.</li>
 *   <li>{@code VPSR_TEAMS_FILE}: a properties file of {@code vpsr.teams.*} and {@code vpsr.auditors.*} (required with the real VPS.org).</li>
 *   <li>{@code VPSR_PORT} (8080), {@code VPSR_HOST} (127.0.0.1 on embedded defaults and wherever the demo
 *   teams serve, that is the simulator without a teams file, where another host is refused; else 0.0.0.0),
 *   {@code VPSR_DATA_DIR} (~/.vps-recovery: the embedded PostgreSQL's data, kept between runs).</li>
 *   <li>{@code VPSR_CHECKPOINT_KEY_FILE}: the Ed25519 private key (PKCS#8, PEM or DER) that signs the audit
 *   chain's checkpoints (default: one generated in the data directory on first start; required with
 *   {@code VPSR_DATABASE_URL}, unless a key an earlier start generated is there, used with a warning);
 *   {@code VPSR_CHECKPOINT_DIR}: where the checkpoints are kept (default {@code <data dir>/checkpoints});
 *   {@code VPSR_AUDIT_KEPT_DIR}: where audit events the database cannot take wait to be written
 *   (default {@code <data dir>/kept-audit-events}, ADR 0141);
 *   {@code VPSR_CHECKPOINT_TRUSTED_KEYS}: comma-separated public key files (X.509, PEM or DER) whose
 *   checkpoints verify too (a rotated key, another instance's);
 *   {@code VPSR_AUDIT_SUPERSEDED_CHECKPOINTS}: the checkpoint file set aside after the platform's database went
 *   back, named at the restart: the first checkpoint signed into the new file names its last one. See ADR 0022.</li>
 *   <li>{@code VPSR_PAUSED_AFTER_RESTORE}: {@code true} keeps policy runs and webhook dispatch off after the platform's
 *   database went back, until a restart without it (ADR 0028 and 0025, amended in session 51).</li>
 *   <li>{@code VPSR_SIMULATOR_PROFILE}: how fast the embedded simulator's snapshots and backups complete
 *   and its restores end: {@code demo} (default: about 20 s, restores 30 s), {@code realistic} (the
 *   provider's 3-10 minutes, restores 5-15), {@code fast} (5 s, restores 10 s). Refused with the real VPS.org.</li>
 *   <li>Any other {@code VPSR_*} or {@code VPSORG_*} variable stops the start, named, unless a tool beside the service
 *   reads it ({@link KnownVariables}, session 56): nothing else would read it.</li>
 * </ul>
 */
public record Deployment(Optional<Database> database, Optional<Provider> provider, Optional<TeamsFile> teamsFile,
                         Path dataDirectory, int port, String host, Checkpoints checkpoints,
                         LifecycleProfile simulatorProfile, Webhooks webhooks, Optional<Path> keptAuditDirectory,
                         boolean pausedAfterRestore, boolean allowSkippingReleases) {

    /** Micronaut's name of {@code VPSR_PAUSED_AFTER_RESTORE} (read by {@link PolicyRunJobs} and {@link WebhookJobs}). */
    static final String PAUSED_AFTER_RESTORE = "vpsr.paused-after-restore";

    /** What the embedded simulator runs unless {@code VPSR_SIMULATOR_PROFILE} says otherwise: a newcomer sees a snapshot complete. */
    public static final LifecycleProfile DEFAULT_SIMULATOR_PROFILE = LifecycleProfile.DEMO;

    /**
     * Where the audit chain's signed checkpoints go, and with which keys; and the checkpoint file set aside after the
     * platform's database went back, when named at this start (ADR 0022, amended in session 51).
     */
    public record Checkpoints(Path directory, Optional<Path> signingKeyFile, List<Path> trustedPublicKeyFiles,
                              Optional<Path> supersededFile) {
        public Checkpoints {
            trustedPublicKeyFiles = List.copyOf(trustedPublicKeyFiles);
            java.util.Objects.requireNonNull(supersededFile, "superseded file");
        }

        public Checkpoints(Path directory, Optional<Path> signingKeyFile, List<Path> trustedPublicKeyFiles) {
            this(directory, signingKeyFile, trustedPublicKeyFiles, Optional.empty());
        }
    }

    /** How webhooks are sent: the SSRF guard's allowances and the retries (ADR 0025). */
    public record Webhooks(boolean allowLoopback, boolean allowPrivateNetworks, int maxAttempts, String firstRetry) {
    }

    public record Database(String url, String user, String password, String migrationUser, String migrationPassword) {
        @Override
        public String toString() {
            return "Database[url=" + url + ", user=" + user + ", migrationUser=" + migrationUser + "]";
        }
    }

    public record Provider(URI baseUrl, String apiToken) {
        @Override
        public String toString() {
            return "Provider[baseUrl=" + baseUrl + "]";
        }
    }

    /** The environment alone, as if no system property named the database (tests). */
    public static Deployment fromEnvironment(Map<String, String> env) {
        return fromEnvironment(env, Map.of());
    }

    /**
     * The environment, and the system properties only to refuse a database named through Micronaut:
     * the embedded PostgreSQL's URL is set above both, so {@code DATASOURCES_DEFAULT_URL} or
     * {@code -Ddatasources.default.url} without {@code VPSR_DATABASE_URL} would silently give each
     * instance its own database (its own locks, idempotency records and audit chain).
     */
    public static Deployment fromEnvironment(Map<String, String> env, Map<?, ?> systemProperties) {
        // First: a misspelt name is what to fix, not the refusal its missing setting would otherwise cause.
        KnownVariables.refuseUnknown(env);
        if (blankToNull(env.get("VPSR_DATABASE_URL")) == null) {
            Optional<String> micronautUrl = micronautDatabaseUrl(env, systemProperties);
            if (micronautUrl.isPresent()) {
                throw new StartupRefused(micronautUrl.get() + " is not read: the service's database is set with "
                        + "VPSR_DATABASE_URL, VPSR_DATABASE_USER and VPSR_DATABASE_PASSWORD (VPSR_MIGRATION_USER, "
                        + "VPSR_MIGRATION_PASSWORD for the schema owner); without them it starts an embedded PostgreSQL");
            }
        }
        Optional<Database> database = database(env);
        boolean simulatorAsked = simulatorAsked(env);
        Optional<Provider> provider = provider(env, simulatorAsked);
        Optional<Path> teamsPath = Optional.ofNullable(blankToNull(env.get("VPSR_TEAMS_FILE"))).map(Path::of);
        if (provider.isPresent() && teamsPath.isEmpty()) {
            throw new StartupRefused("VPSR_TEAMS_FILE is required with the real VPS.org: the demo teams exist only "
                    + "on the simulator");
        }
        Optional<TeamsFile> teams = teamsPath.map(TeamsFile::read);
        if (provider.isEmpty() && !simulatorAsked && (database.isPresent() || teams.isPresent())) {
            // A production instance whose token did not arrive would otherwise run the simulator against
            // the shared database and write the simulator's empty lists into the audit chain as outcomes.
            throw new StartupRefused("VPSORG_API_TOKEN is required with " + (database.isPresent()
                    ? "VPSR_DATABASE_URL" : "VPSR_TEAMS_FILE") + ": without it the built-in VPS.org simulator "
                    + "would run in place of VPS.org; set VPSR_SIMULATOR=embedded if that is what you want");
        }
        boolean embeddedDatabaseAsked = embeddedDatabaseAsked(env, database.isPresent());
        if (provider.isPresent() && database.isEmpty() && !embeddedDatabaseAsked) {
            // A production instance whose database secret did not arrive would otherwise keep its own locks,
            // idempotency records, limits and audit chain in an embedded PostgreSQL, against the real VPS.org.
            throw new StartupRefused("VPSR_DATABASE_URL is required with VPSORG_API_TOKEN: without it an embedded "
                    + "PostgreSQL would run in place of the shared database (with VPSR_DATABASE_USER and "
                    + "VPSR_DATABASE_PASSWORD); set VPSR_DATABASE=embedded if that is what you want");
        }
        Path dataDirectory = Path.of(Optional.ofNullable(blankToNull(env.get("VPSR_DATA_DIR")))
                .orElse(System.getProperty("user.home") + "/.vps-recovery")).toAbsolutePath();
        int port = Optional.ofNullable(blankToNull(env.get("VPSR_PORT"))).map(Deployment::port).orElse(8080);
        boolean allEmbedded = database.isEmpty() && provider.isEmpty();
        boolean demoCredentials = servesDemoCredentials(provider, teams);
        String host = Optional.ofNullable(blankToNull(env.get("VPSR_HOST")))
                .orElse(allEmbedded || demoCredentials ? "127.0.0.1" : "0.0.0.0");
        if (demoCredentials && !isLoopbackHost(host)) {
            // Their tokens are printed at start and in the README: anyone who reaches the port could use them.
            throw new StartupRefused("VPSR_HOST=" + host + " would serve the demo teams' credentials ("
                    + EmbeddedDefaults.DEMO_TEAM_TOKEN + ", " + EmbeddedDefaults.DEMO_AUDITOR_TOKEN
                    + ", the demo people's tokens) beyond this machine: without VPSR_TEAMS_FILE the "
                    + "service listens on loopback only; give it a teams file to listen on " + host);
        }
        return new Deployment(database, provider, teams, dataDirectory, port, host, checkpoints(env, dataDirectory),
                simulatorProfile(env, provider.isPresent()),
                // Loopback targets for the embedded demo only while the service itself listens on loopback:
                // an embedded instance opened to the network must not let callers reach the host's own services.
                webhooks(env, allEmbedded && isLoopbackHost(host)),
                // Default <data dir>/kept-audit-events, resolved where the data directory is (RecoveryServicesFactory).
                Optional.ofNullable(blankToNull(env.get("VPSR_AUDIT_KEPT_DIR"))).map(Path::of),
                flag(env, "VPSR_PAUSED_AFTER_RESTORE", false),
                flag(env, "VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES", false));
    }

    /** The simulator without a teams file: the demo teams, auditor and people, whose tokens anyone may read. */
    public boolean servesDemoCredentials() {
        return servesDemoCredentials(provider, teamsFile);
    }

    private static boolean servesDemoCredentials(Optional<Provider> provider, Optional<TeamsFile> teams) {
        return provider.isEmpty() && teams.isEmpty();
    }

    private static boolean isLoopbackHost(String host) {
        return host.equals("localhost") || host.equals("::1") || host.equals("[::1]") || host.startsWith("127.");
    }

    private static Webhooks webhooks(Map<String, String> env, boolean loopbackByDefault) {
        boolean loopback = flag(env, "VPSR_WEBHOOKS_ALLOW_LOOPBACK", loopbackByDefault);
        boolean privateNetworks = flag(env, "VPSR_WEBHOOKS_ALLOW_PRIVATE_NETWORKS", false);
        String rawAttempts = blankToNull(env.get("VPSR_WEBHOOKS_MAX_ATTEMPTS"));
        int attempts = 8;
        if (rawAttempts != null) {
            attempts = rawAttempts.matches("[0-9]{1,2}") ? Integer.parseInt(rawAttempts) : 0;
            if (attempts < 1 || attempts > 20) {
                throw new StartupRefused("VPSR_WEBHOOKS_MAX_ATTEMPTS must be an integer 1-20");
            }
        }
        String firstRetry = Optional.ofNullable(blankToNull(env.get("VPSR_WEBHOOKS_FIRST_RETRY"))).orElse("30s");
        if (!firstRetry.matches("[1-9][0-9]{0,5}(ms|s|m|h)")) {
            throw new StartupRefused("VPSR_WEBHOOKS_FIRST_RETRY must be a duration such as 30s, 500ms, 2m");
        }
        return new Webhooks(loopback, privateNetworks, attempts, firstRetry);
    }

    private static boolean flag(Map<String, String> env, String name, boolean otherwise) {
        String raw = blankToNull(env.get(name));
        if (raw == null) {
            return otherwise;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new StartupRefused(name + " must be true or false");
        };
    }

    private static LifecycleProfile simulatorProfile(Map<String, String> env, boolean realProvider) {
        String raw = blankToNull(env.get("VPSR_SIMULATOR_PROFILE"));
        if (raw == null) {
            return DEFAULT_SIMULATOR_PROFILE;
        }
        if (realProvider) {
            throw new StartupRefused("VPSR_SIMULATOR_PROFILE applies to the embedded simulator only; unset it "
                    + "when VPSORG_API_TOKEN names the real VPS.org");
        }
        try {
            return LifecycleProfile.fromWire(raw);
        } catch (IllegalArgumentException e) {
            throw new StartupRefused("VPSR_SIMULATOR_PROFILE must be one of " + LifecycleProfile.names());
        }
    }

    private static Checkpoints checkpoints(Map<String, String> env, Path dataDirectory) {
        Path directory = Optional.ofNullable(blankToNull(env.get("VPSR_CHECKPOINT_DIR"))).map(Path::of)
                .orElse(dataDirectory.resolve("checkpoints"));
        Optional<Path> keyFile = Optional.ofNullable(blankToNull(env.get("VPSR_CHECKPOINT_KEY_FILE"))).map(Path::of);
        keyFile.ifPresent(file -> requireReadableFile(file, "VPSR_CHECKPOINT_KEY_FILE"));
        List<Path> trusted = Optional.ofNullable(blankToNull(env.get("VPSR_CHECKPOINT_TRUSTED_KEYS")))
                .map(list -> Arrays.stream(list.split(",")).map(String::strip).filter(p -> !p.isEmpty())
                        .map(Path::of).toList())
                .orElse(List.of());
        trusted.forEach(file -> requireReadableFile(file, "VPSR_CHECKPOINT_TRUSTED_KEYS"));
        Optional<Path> superseded = Optional.ofNullable(blankToNull(env.get("VPSR_AUDIT_SUPERSEDED_CHECKPOINTS")))
                .map(Path::of);
        superseded.ifPresent(file -> requireReadableFile(file, "VPSR_AUDIT_SUPERSEDED_CHECKPOINTS"));
        return new Checkpoints(directory, keyFile, trusted, superseded);
    }

    private static void requireReadableFile(Path file, String setting) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new StartupRefused(setting + " names " + file + ", which is not a readable file");
        }
    }

    /** Micronaut properties for what is configured; the embedded parts add their own. */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("micronaut.server.port", port);
        properties.put("micronaut.server.host", host);
        database.ifPresent(db -> {
            properties.put("datasources.default.url", db.url());
            properties.put("datasources.default.username", db.user());
            properties.put("datasources.default.password", db.password());
            if (!db.migrationUser().equals(db.user())) {
                // Flyway migrates as the owner over its own connection; a configuration named
                // "default" would migrate through the service's pool, as the service's login.
                properties.put("flyway.datasources.default.enabled", false);
                properties.put("flyway.datasources.owner.enabled", true);
                properties.put("flyway.datasources.owner.url", db.url());
                properties.put("flyway.datasources.owner.user", db.migrationUser());
                properties.put("flyway.datasources.owner.password", db.migrationPassword());
            }
        });
        provider.ifPresent(p -> {
            properties.put("vpsorg.base-url", p.baseUrl().toString());
            properties.put("vpsorg.api-token", p.apiToken());
        });
        // The file's teams and auditors, read and checked here; not a Micronaut config file, which
        // would also take in whatever else it holds.
        teamsFile.ifPresent(file -> properties.putAll(file.properties()));
        // Marks them the only ones (ADR 0034, amended in session 56).
        teamsFile.ifPresent(file -> properties.put(TeamsFile.GIVEN, file.path().toAbsolutePath().toString()));
        properties.put(WebhooksFactory.ALLOW_LOOPBACK, webhooks.allowLoopback());
        properties.put(WebhooksFactory.ALLOW_PRIVATE_NETWORKS, webhooks.allowPrivateNetworks());
        properties.put(WebhooksFactory.MAX_ATTEMPTS, webhooks.maxAttempts());
        properties.put(WebhooksFactory.FIRST_RETRY, webhooks.firstRetry());
        properties.put(PAUSED_AFTER_RESTORE, pausedAfterRestore);
        if (allowSkippingReleases) {
            // Only when asked: the context's properties rank above -D and config files, so an unasked false here
            // would silently override the -Dvpsr.migration.allow-skipping-releases=true the refusal names (final read
            // of session 56).
            properties.put(UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES, true);
        }
        // Names no VPSR_* variable maps to by itself, so only what is read here sets them.
        properties.put(ChainCheckpointFactory.DATA_DIRECTORY, dataDirectory.toAbsolutePath().toString());
        properties.put(ChainCheckpointFactory.DIRECTORY, checkpoints.directory().toAbsolutePath().toString());
        keptAuditDirectory.ifPresent(directory -> properties.put(RecoveryServicesFactory.KEPT_AUDIT_DIRECTORY,
                directory.toAbsolutePath().toString()));
        checkpoints.signingKeyFile().ifPresent(file -> properties.put(ChainCheckpointFactory.SIGNING_KEY_FILE,
                file.toAbsolutePath().toString()));
        // With the shared database a checkpoint key is not generated (ADR 0022, amended in session 56).
        properties.put(ChainCheckpointFactory.KEY_FILE_REQUIRED, database.isPresent());
        checkpoints.supersededFile().ifPresent(file -> properties.put(ChainCheckpointFactory.SUPERSEDED_CHECKPOINTS,
                file.toAbsolutePath().toString()));
        if (!checkpoints.trustedPublicKeyFiles().isEmpty()) {
            properties.put(ChainCheckpointFactory.TRUSTED_PUBLIC_KEYS, String.join(",", checkpoints
                    .trustedPublicKeyFiles().stream().map(file -> file.toAbsolutePath().toString()).toList()));
        }
        return properties;
    }

    /**
     * The environment variables that are ours ({@code VPSR_*}, {@code VPSORG_*}): read here only.
     * Micronaut would otherwise also read each as a property ({@code VPSR_TEAMS_FILE} as
     * {@code vpsr.teams.file}, a team named "file"), so the application excludes them from its
     * environment property source.
     */
    public static String[] ownVariables(Map<String, String> env) {
        return env.keySet().stream()
                .filter(name -> KnownVariables.PREFIXES.stream().anyMatch(name::startsWith))
                .sorted()
                .toArray(String[]::new);
    }

    /** The name a datasource URL was given by outside Deployment (Micronaut reads both forms), if any. */
    private static Optional<String> micronautDatabaseUrl(Map<String, String> env, Map<?, ?> systemProperties) {
        Optional<String> variable = env.keySet().stream()
                .filter(name -> MICRONAUT_URL_VARIABLES.contains(name.toUpperCase(Locale.ROOT)))
                .findFirst();
        if (variable.isPresent()) {
            return variable;
        }
        Optional<String> property = systemProperties.keySet().stream().map(String::valueOf)
                .filter(name -> MICRONAUT_URL_PROPERTIES.contains(name.toLowerCase(Locale.ROOT).replace("-", "")))
                .map(name -> "-D" + name).findFirst();
        if (property.isPresent()) {
            return property;
        }
        // A file Micronaut reads (MICRONAUT_CONFIG_FILES, -Dmicronaut.config.files): read the same way here, so
        // a URL in it is refused too rather than replaced by the embedded PostgreSQL's.
        // Micronaut reads both lists, each entry a path, or a file: or classpath: location.
        String files = Optional.ofNullable(env.get("MICRONAUT_CONFIG_FILES")).orElse("") + ","
                + Optional.ofNullable(systemProperties.get("micronaut.config.files")).map(String::valueOf).orElse("");
        return Arrays.stream(files.split(",")).map(String::trim).filter(location -> !location.isEmpty())
                .flatMap(location -> urlKeyIn(location).map(key -> key + " in " + location).stream())
                .findFirst();
    }

    /** The datasource URL key a configuration file sets, read by Micronaut's own loader for its extension. */
    private static Optional<String> urlKeyIn(String location) {
        String name = location.substring(location.lastIndexOf('/') + 1);
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String extension = name.substring(dot + 1);
        for (PropertySourceLoader loader : ServiceLoader.load(PropertySourceLoader.class)) {
            if (!loader.isEnabled() || !loader.getExtensions().contains(extension)) {
                continue;
            }
            try (InputStream in = open(location)) {
                if (in == null) {
                    return Optional.empty();
                }
                Optional<String> key = loader.read(name, in).keySet().stream()
                        .filter(k -> MICRONAUT_URL_PROPERTIES.contains(k.toLowerCase(Locale.ROOT).replace("-", "")))
                        .findFirst();
                if (key.isPresent()) {
                    return key;
                }
            } catch (IOException | RuntimeException unreadable) {
                // Micronaut says what is wrong with it when it reads it.
            }
        }
        return Optional.empty();
    }

    /** A configuration file as Micronaut finds it: {@code classpath:} on the class path, else a path ({@code file:} or none). */
    private static InputStream open(String location) throws IOException {
        if (location.startsWith("classpath:")) {
            String resource = location.substring("classpath:".length());
            return Deployment.class.getClassLoader().getResourceAsStream(resource.startsWith("/") ? resource.substring(1) : resource);
        }
        return Files.newInputStream(Path.of(location.startsWith("file:") ? location.substring("file:".length()) : location));
    }

    /** {@code datasources.default.url} and Hikari's {@code jdbc-url}, as variables and (lower case, no dashes) properties. */
    private static final List<String> MICRONAUT_URL_VARIABLES = List.of("DATASOURCES_DEFAULT_URL",
            "DATASOURCES_DEFAULT_JDBC_URL", "DATASOURCES_DEFAULT_JDBCURL");
    private static final List<String> MICRONAUT_URL_PROPERTIES = List.of("datasources.default.url",
            "datasources.default.jdbcurl");

    private static Optional<Database> database(Map<String, String> env) {
        String url = blankToNull(env.get("VPSR_DATABASE_URL"));
        String user = blankToNull(env.get("VPSR_DATABASE_USER"));
        String password = env.get("VPSR_DATABASE_PASSWORD");
        if (url == null && user == null && password == null) {
            return Optional.empty();
        }
        if (url == null || !url.startsWith("jdbc:postgresql://")) {
            throw new StartupRefused("VPSR_DATABASE_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db)");
        }
        // The URL is shown to auditors in /health's details: a password in it would be shown with it.
        // PgJDBC takes user:password@host for a host name, so the start would fail naming it (session 52).
        // Up to the parameters, not the authority only: a password holding / or ? ends the authority early (own-merge
        // review), and PgJDBC then refused the URL printing it whole.
        String beforeParameters = beforeParameters(url);
        if (beforeParameters.contains("@")) {
            throw new StartupRefused("VPSR_DATABASE_URL must not carry a user or password before its host (user@ or "
                    + "user:password@): the URL is shown in /health's details; give them in VPSR_DATABASE_USER and "
                    + "VPSR_DATABASE_PASSWORD");
        }
        // PgJDBC's own rule (exactly one / between the hosts and the database), checked here so that its refusal,
        // which prints the URL, is never reached.
        // Each host as PgJDBC reads one, a name or [IPv6] and digits for its port: a password holding / then ? left
        // "user:pass" where the hosts stand, and PgJDBC's warning about its "port" printed the password (own-merge
        // review). Every URL passing this parses in PgJDBC.
        if (beforeParameters.chars().filter(c -> c == '/').count() != 1
                || !HOSTS.matcher(beforeParameters.substring(0, beforeParameters.indexOf('/'))).matches()) {
            throw new StartupRefused("VPSR_DATABASE_URL must be jdbc:postgresql://host[:port][,host[:port]...]/database"
                    + "[?parameters], each host a name or [IPv6 address] and each port digits, with exactly one / after "
                    + "the hosts (a password belongs in VPSR_DATABASE_PASSWORD)");
        }
        urlParameters(url).filter(PASSWORD_PARAMETERS::contains).findFirst().ifPresent(parameter -> {
            throw new StartupRefused("VPSR_DATABASE_URL must not carry a password (" + parameter + "=): the URL is "
                    + "shown in /health's details; give the database password in VPSR_DATABASE_PASSWORD");
        });
        if (user == null || password == null) {
            throw new StartupRefused("VPSR_DATABASE_USER and VPSR_DATABASE_PASSWORD are required with VPSR_DATABASE_URL");
        }
        // Set but empty is a secret that did not arrive, as VPSORG_API_TOKEN's.
        if (password.isBlank()) {
            throw new StartupRefused("VPSR_DATABASE_PASSWORD is set but empty: give it the database user's password");
        }
        String migrationUser = Optional.ofNullable(blankToNull(env.get("VPSR_MIGRATION_USER"))).orElse(user);
        String migrationPassword = migrationUser.equals(user) ? password : env.get("VPSR_MIGRATION_PASSWORD");
        if (migrationPassword == null) {
            throw new StartupRefused("VPSR_MIGRATION_PASSWORD is required with VPSR_MIGRATION_USER");
        }
        if (migrationPassword.isBlank()) {
            throw new StartupRefused("VPSR_MIGRATION_PASSWORD is set but empty: give it the migration user's password");
        }
        return Optional.of(new Database(url, user, password, migrationUser, migrationPassword));
    }

    /** A JDBC URL's hosts: none (PgJDBC's localhost), or names or [IPv6] literals, each with an optional port. */
    private static final String HOST = "(?:[A-Za-z0-9._-]+|\\[[0-9A-Za-z:.%]+\\])(?::[0-9]{1,5})?";
    private static final java.util.regex.Pattern HOSTS =
            java.util.regex.Pattern.compile("(?:" + HOST + "(?:," + HOST + ")*)?");

    /** PgJDBC's URL parameters that are passwords (the connection's, the client key's). */
    private static final Set<String> PASSWORD_PARAMETERS = Set.of("password", "sslpassword");

    /** A PostgreSQL JDBC URL's servers and database: between {@code //} and the first {@code ?}. */
    private static String beforeParameters(String url) {
        String rest = url.substring("jdbc:postgresql://".length());
        int question = rest.indexOf('?');
        return question < 0 ? rest : rest.substring(0, question);
    }

    /** The names of a JDBC URL's parameters ({@code ?a=1&b=2}), lower case as PgJDBC matches them. */
    private static Stream<String> urlParameters(String url) {
        int query = url.indexOf('?');
        if (query < 0) {
            return Stream.empty();
        }
        return Arrays.stream(url.substring(query + 1).split("&"))
                .map(parameter -> parameter.split("=", 2)[0].strip().toLowerCase(Locale.ROOT));
    }

    private static boolean simulatorAsked(Map<String, String> env) {
        String raw = blankToNull(env.get("VPSR_SIMULATOR"));
        if (raw == null) {
            return false;
        }
        if (!raw.equals("embedded")) {
            throw new StartupRefused("VPSR_SIMULATOR must be embedded (or unset)");
        }
        return true;
    }

    /** {@code VPSR_DATABASE=embedded}: an embedded PostgreSQL beside the real VPS.org, asked for by name (benchmarks). */
    private static boolean embeddedDatabaseAsked(Map<String, String> env, boolean databaseConfigured) {
        String raw = blankToNull(env.get("VPSR_DATABASE"));
        if (raw == null) {
            return false;
        }
        if (!raw.equals("embedded")) {
            throw new StartupRefused("VPSR_DATABASE must be embedded (or unset)");
        }
        if (databaseConfigured) {
            throw new StartupRefused("VPSR_DATABASE=embedded runs an embedded PostgreSQL in place of VPSR_DATABASE_URL; "
                    + "unset VPSR_DATABASE_URL, VPSR_DATABASE_USER and VPSR_DATABASE_PASSWORD, or VPSR_DATABASE");
        }
        return true;
    }

    private static Optional<Provider> provider(Map<String, String> env, boolean simulatorAsked) {
        String baseUrl = blankToNull(env.get("VPSORG_BASE_URL"));
        String token = blankToNull(env.get("VPSORG_API_TOKEN"));
        if (simulatorAsked) {
            if (baseUrl != null || token != null) {
                throw new StartupRefused("VPSR_SIMULATOR=embedded runs the simulator in place of VPS.org; unset "
                        + "VPSORG_API_TOKEN and VPSORG_BASE_URL, or VPSR_SIMULATOR");
            }
            return Optional.empty();
        }
        // Set but empty is a secret that did not arrive, not a request for the simulator.
        if (env.containsKey("VPSORG_API_TOKEN") && token == null) {
            throw new StartupRefused("VPSORG_API_TOKEN is set but empty: give it the VPS.org API token "
                    + "(for the embedded simulator, unset it)");
        }
        if (env.containsKey("VPSORG_BASE_URL") && baseUrl == null) {
            throw new StartupRefused("VPSORG_BASE_URL is set but empty: give it VPS.org's URL or unset it "
                    + "(https://admin.vps.org)");
        }
        if (baseUrl == null && token == null) {
            return Optional.empty();
        }
        if (token == null) {
            throw new StartupRefused("VPSORG_API_TOKEN is required to call VPS.org");
        }
        URI uri;
        try {
            uri = URI.create(baseUrl == null ? "https://admin.vps.org" : baseUrl);
        } catch (IllegalArgumentException e) {
            throw new StartupRefused("VPSORG_BASE_URL is not a URL");
        }
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new StartupRefused("VPSORG_BASE_URL must be an http(s) URL such as https://admin.vps.org");
        }
        // Every call carries the API token: plain http only where it never leaves the host (the simulator, tests).
        if ("http".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
            throw new StartupRefused("VPSORG_BASE_URL must be https (http only on loopback): over http to "
                    + uri.getHost() + " the API token would travel in cleartext");
        }
        return Optional.of(new Provider(uri, token));
    }

    /** As VpsOrgSettings and the JWKS URL have it (ADR 0034): the hosts that name this machine. */
    private static boolean isLoopback(String host) {
        return "127.0.0.1".equals(host) || "localhost".equalsIgnoreCase(host) || "[::1]".equals(host);
    }

    private static int port(String raw) {
        try {
            int port = Integer.parseInt(raw.strip());
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new StartupRefused("VPSR_PORT must be a port number 0-65535");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
