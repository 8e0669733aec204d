package org.vpsrecovery.cli;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where the service is and the token to call it with: from the flags, else the environment
 * ({@code VPSR_URL}, {@code VPSR_TOKEN}), else the config file ({@code url}, {@code token}). The token
 * never appears in {@link #toString()}.
 */
public record Connection(URI url, String urlSource, Optional<String> token, String tokenSource) {

    public static final String URL_VARIABLE = "VPSR_URL";
    public static final String TOKEN_VARIABLE = "VPSR_TOKEN";
    public static final String CONFIG_VARIABLE = "VPSR_CONFIG";
    static final URI DEFAULT_URL = URI.create("http://127.0.0.1:8080");

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

    static Connection resolve(String urlFlag, String tokenFlag, Path configFlag, Map<String, String> environment,
                              Path home) {
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
        String url;
        String urlSource;
        if (present(urlFlag)) {
            url = urlFlag;
            urlSource = "--url";
        } else if (present(environment.get(URL_VARIABLE))) {
            url = environment.get(URL_VARIABLE);
            urlSource = URL_VARIABLE;
        } else if (present(config.getProperty("url"))) {
            url = config.getProperty("url").trim();
            urlSource = file.toString();
        } else {
            url = DEFAULT_URL.toString();
            urlSource = "default";
        }
        String token = null;
        String tokenSource = "none";
        if (present(tokenFlag)) {
            token = tokenFlag.strip();
            tokenSource = "--token";
        } else if (present(environment.get(TOKEN_VARIABLE))) {
            token = environment.get(TOKEN_VARIABLE).strip();
            tokenSource = TOKEN_VARIABLE;
        } else if (present(config.getProperty("token"))) {
            token = config.getProperty("token").strip();
            tokenSource = file.toString();
        }
        // A token a header cannot carry (a line break inside, a control character) would be refused by the HTTP
        // client with the header in its message: refused here, by its source, never shown.
        if (token != null && !token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("the token from " + tokenSource
                    + " holds a space, a line break or another character an HTTP header cannot carry");
        }
        URI uri;
        try {
            uri = URI.create(url.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the service URL is not a URL: " + url);
        }
        return new Connection(uri, urlSource, Optional.ofNullable(token), tokenSource);
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }

    @Override
    public String toString() {
        return "Connection[url=" + url + ", token=" + (token.isPresent() ? "(set)" : "(none)") + "]";
    }
}
