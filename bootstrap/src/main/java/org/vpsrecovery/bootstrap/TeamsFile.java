package org.vpsrecovery.bootstrap;

import io.micronaut.context.env.CommandLinePropertySource;
import io.micronaut.context.env.Environment;
import io.micronaut.context.env.EnvironmentPropertySource;
import io.micronaut.context.env.PropertySource;
import io.micronaut.context.env.PropertySourcePropertyResolver;
import io.micronaut.context.env.SystemPropertiesPropertySource;
import io.micronaut.core.value.PropertyResolver;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The file {@code VPSR_TEAMS_FILE} names: {@code vpsr.teams.*}, {@code vpsr.auditors.*} and
 * {@code vpsr.identity.jwt.*} (ADR 0034) and nothing else, each key and value checked before the service starts, so that a wrong entry stops
 * the start with the setting named instead of failing every request later.
 */
public record TeamsFile(Path path, Map<String, String> settings) {

    private static final String TEAMS = ConfiguredTeams.PREFIX + ".";
    private static final String AUDITORS = ConfiguredAuditors.PREFIX + ".";
    private static final String IDENTITY = ConfiguredIdentityProvider.PREFIX + ".";

    /**
     * Set by {@link Deployment} to the file's path when there is one: the teams, auditors and identity provider are then
     * the file's only (ADR 0034, amended in session 56).
     */
    static final String GIVEN = "vpsr.configuration.teams-file";

    public TeamsFile {
        settings = Map.copyOf(settings);
    }

    /**
     * With a teams file, a team, auditor or identity setting from anywhere else ({@code -D}, {@code MICRONAUT_CONFIG_FILES},
     * an argument) stops the start, named with where it came from: it would bypass the file's checks, the refusal of a
     * published token's digest among them. Deployment hands the file's settings to Micronaut as the context's own
     * properties, so each other property source is looked at.
     */
    static void refuseSettingsFromElsewhere(Environment environment) {
        Optional<String> file = environment.get(GIVEN, String.class);
        if (file.isEmpty()) {
            return;
        }
        for (PropertySource source : environment.getPropertySources()) {
            if (PropertySource.CONTEXT.equals(source.getName())) {
                continue;
            }
            for (String key : source) {
                String named = source.getConvention() == PropertySource.PropertyConvention.ENVIRONMENT_VARIABLE
                        ? key.toLowerCase(Locale.ROOT).replace('_', '.') : key;
                if (named.startsWith(TEAMS) || named.startsWith(AUDITORS) || named.startsWith(IDENTITY)) {
                    throw new StartupRefused(key + " is given by " + origin(source) + " while VPSR_TEAMS_FILE ("
                            + file.get() + ") is set: teams, auditors and the identity provider are read from the teams "
                            + "file only, where each is checked; move the setting there or remove it");
                }
            }
        }
    }

    private static String origin(PropertySource source) {
        return switch (source.getName()) {
            case SystemPropertiesPropertySource.NAME -> "a system property (-D)";
            case EnvironmentPropertySource.NAME -> "an environment variable";
            case CommandLinePropertySource.NAME -> "a command-line argument";
            default -> "the configuration " + source.getOrigin().location();
        };
    }

    public static TeamsFile read(Path path) {
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw new StartupRefused("VPSR_TEAMS_FILE names " + path + ", which is not a readable file");
        }
        Set<String> repeated = new TreeSet<>();
        // Properties keeps a repeated key's last value silently: a second token-sha256= appended for a rotation would
        // lock the first token's clients out, a second servers= drop servers. Each key is noted as it is read.
        Properties file = new Properties() {
            @Override
            public synchronized Object put(Object key, Object value) {
                if (containsKey(key)) {
                    repeated.add(String.valueOf(key));
                }
                return super.put(key, value);
            }
        };
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            file.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new StartupRefused("VPSR_TEAMS_FILE " + path + " is not a readable properties file: " + e.getMessage());
        }
        Map<String, String> settings = new TreeMap<>();
        file.stringPropertyNames().forEach(key -> settings.put(key, file.getProperty(key)));
        TeamsFile teams = new TeamsFile(path, settings);
        repeated.stream().findFirst().ifPresent(key -> {
            throw teams.refused(teams.repeated(key));
        });
        teams.check();
        return teams;
    }

    /** The settings as Micronaut properties: these teams and auditors are the service's only ones. */
    public Map<String, Object> properties() {
        return new LinkedHashMap<>(settings);
    }

    /** Read by the same code the running service reads them with, so the two cannot differ (ADR 0032). */
    private void check() {
        settings.keySet().stream().sorted()
                .filter(key -> !key.startsWith(TEAMS) && !key.startsWith(AUDITORS) && !key.startsWith(IDENTITY)).findFirst()
                .ifPresent(key -> {
                    throw refused(unknownLine(key) + " is not a team or auditor setting; the file holds " + TEAMS
                            + "<team>.*, " + AUDITORS + "<name>.token-sha256 and " + IDENTITY + "* only (other settings "
                            + "go in MICRONAUT_CONFIG_FILES)");
                });
        PropertyResolver file = new PropertySourcePropertyResolver(PropertySource.of("VPSR_TEAMS_FILE", properties()));
        try {
            ConfiguredTeams configured = ConfiguredTeams.from(file);
            ConfiguredFairShare.from(file, configured.teams());
            ConfiguredAuditors auditors = ConfiguredAuditors.from(file);
            ConfiguredTeams.refuseSharedDigests(configured, auditors);
            ConfiguredTeams.refusePublishedDigests(configured, auditors);
            ConfiguredIdentityProvider.from(file);
        } catch (IllegalArgumentException e) {
            throw refused(e.getMessage());
        }
    }

    /** Prefixes of setting names: a line starting otherwise may be a pasted secret, and is named by number only. */
    private static final List<String> SETTING_PREFIXES = List.of("vpsr.", "vpsorg.", "micronaut.", "datasources.",
            "endpoints.", "flyway.");

    /** The unknown key's line, by number; the key itself only when it is a setting's name (stderr is logged). */
    private String unknownLine(String key) {
        String line = lineOf(key).map(number -> "line " + number).orElse("a line");
        return SETTING_PREFIXES.stream().anyMatch(key::startsWith) ? key + " (" + line + ")" : line;
    }

    /** The key given more than once, and the lines it is on; never a value (it may be a digest being rotated). */
    private String repeated(String key) {
        List<Integer> lines = linesOf(key);
        String named = SETTING_PREFIXES.stream().anyMatch(key::startsWith) ? "key " + key : "a key that is not a setting";
        String times = lines.size() > 2 ? lines.size() + " times" : "twice";
        return named + " given " + times + (lines.size() >= 2 ? " (lines " + lines.stream().map(String::valueOf)
                .collect(Collectors.joining(", ")) + ")" : "") + "; each key once: the last would win silently (for a "
                + "second token, use " + TEAMS + "<team>.tokens.<id>.sha256)";
    }

    private Optional<Integer> lineOf(String key) {
        return linesOf(key).stream().findFirst();
    }

    /** The numbers of the lines that start with {@code key} as a setting (not a comment, not a line's continuation). */
    private List<Integer> linesOf(String key) {
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException | UncheckedIOException e) {
            return List.of();
        }
        List<Integer> numbers = new ArrayList<>();
        boolean continued = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).stripLeading();
            boolean continuation = continued;
            boolean comment = line.startsWith("#") || line.startsWith("!");
            // A line ending in an odd number of backslashes goes on at the next (as Properties reads it).
            int backslashes = 0;
            while (backslashes < line.length() && line.charAt(line.length() - 1 - backslashes) == '\\') {
                backslashes++;
            }
            continued = !comment && backslashes % 2 == 1;
            if (!continuation && !comment && line.startsWith(key)
                    && (line.length() == key.length() || "=: \t\f".indexOf(line.charAt(key.length())) >= 0)) {
                numbers.add(i + 1);
            }
        }
        return numbers;
    }

    private StartupRefused refused(String why) {
        return new StartupRefused("VPSR_TEAMS_FILE " + path + ": " + why);
    }
}
