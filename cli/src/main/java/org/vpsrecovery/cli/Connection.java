package org.vpsrecovery.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * Where the service is, the token to call it with and the team to act for: from the flags, else the environment
 * ({@code VPSR_URL}, {@code VPSR_TOKEN}, {@code VPSR_TEAM}), else the config file ({@code url}, {@code token},
 * {@code team}). The token never appears in {@link #toString()}.
 */
public record Connection(URI url, String urlSource, Optional<String> token, String tokenSource, Optional<String> team,
                         String teamSource) {

    public static final String URL_VARIABLE = "VPSR_URL";
    public static final String TOKEN_VARIABLE = "VPSR_TOKEN";
    public static final String TEAM_VARIABLE = "VPSR_TEAM";
    public static final String CONFIG_VARIABLE = "VPSR_CONFIG";
    /** The request header a person of several teams chooses one with (the facade's JwtBearerTokens reads it). */
    public static final String TEAM_HEADER = "X-Vpsr-Team";
    static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");
    /**
     * The domain's team id (TeamId, Slug), repeated here: this module may not depend on domain (ADR 0039). A wrong one is
     * refused before any request, by its source.
     */
    private static final Pattern TEAM_ID = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");
    static final String TEAM_RULE = "1-63 lower-case letters, digits or inner hyphens, e.g. payments-core";

    public Connection {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("the service URL must be http(s)://host[:port], not " + url);
        }
        url = URI.create(url.toString().replaceAll("/+$", ""));
    }

    /** The file read when neither --config nor VPSR_CONFIG names one: XDG's config directory, else ~/.config. */
    public static Path defaultConfigFile(Map<String, String> environment, Path home) {
        String xdg = environment.get("XDG_CONFIG_HOME");
        Path base = xdg == null || xdg.isBlank() ? home.resolve(".config") : Path.of(xdg);
        return base.resolve("vpsr").resolve("config.properties");
    }

    static Connection resolve(String urlFlag, String tokenFlag, String teamFlag, Path configFlag,
                              Map<String, String> environment, Path home) {
        Path file;
        boolean named;
        if (configFlag != null) {
            file = configFlag;
            named = true;
        } else if (environment.get(CONFIG_VARIABLE) != null) {
            file = Path.of(environment.get(CONFIG_VARIABLE));
            named = true;
        } else {
            file = defaultConfigFile(environment, home);
            named = false;
        }
        Properties config = new Properties();
        if (Files.isRegularFile(file)) {
            try (Reader reader = Files.newBufferedReader(file)) {
                config.load(reader);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read the config file " + file + ": " + e.getMessage());
            }
        } else if (named) {
            throw new IllegalArgumentException("no config file at " + file);
        }
        Setting url = Setting.first(urlFlag, "--url", environment, URL_VARIABLE, config, "url", file)
                .orElse(new Setting(DEFAULT_URL.toString(), "default"));
        Optional<Setting> tokenSetting = Setting.first(tokenFlag, "--token", environment, TOKEN_VARIABLE, config, "token",
                file);
        String token = tokenSetting.map(Setting::value).orElse(null);
        String tokenSource = tokenSetting.map(Setting::source).orElse("none");
        // A token a header cannot carry (a line break inside, a control character) would be refused by the HTTP
        // client with the header in its message: refused here, by its source, never shown.
        if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the token from " + tokenSource
                    + " holds a space, a line break or another character an HTTP header cannot carry");
        }
        Optional<Setting> teamSetting = Setting.first(teamFlag, "--team", environment, TEAM_VARIABLE, config, "team", file);
        String team = teamSetting.map(Setting::value).orElse(null);
        String teamSource = teamSetting.map(Setting::source).orElse("none");
        // Not shown either: a token given as the team by mistake must not end up on a terminal or in a CI log.
        if (team != null && !TEAM_ID.matcher(team).matches()) {
            throw new IllegalArgumentException("the team from " + teamSource + " is not a team id: " + TEAM_RULE);
        }
        URI uri;
        try {
            uri = URI.create(url.value());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the service URL is not a URL: " + url.value());
        }
        return new Connection(uri, url.source(), Optional.ofNullable(token), tokenSource, Optional.ofNullable(team),
                teamSource);
    }

    /** A setting's value, stripped, and where it came from: the flag, else the variable, else the config file. */
    private record Setting(String value, String source) {
        static Optional<Setting> first(String flag, String flagName, Map<String, String> environment, String variable,
                                       Properties config, String key, Path file) {
            if (present(flag)) {
                return Optional.of(new Setting(flag.strip(), flagName));
            }
            if (present(environment.get(variable))) {
                return Optional.of(new Setting(environment.get(variable).strip(), variable));
            }
            if (present(config.getProperty(key))) {
                return Optional.of(new Setting(config.getProperty(key).strip(), file.toString()));
            }
            return Optional.empty();
        }
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "Connection[url=" + url + ", token=" + (token.isPresent() ? "(set)" : "(none)") + ", team="
                + team.orElse("(none)") + "]";
    }
}
