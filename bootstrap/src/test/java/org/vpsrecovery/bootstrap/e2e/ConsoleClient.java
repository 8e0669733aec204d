package org.vpsrecovery.bootstrap.e2e;

import java.io.IOException;
import java.net.CookieManager;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser's part of the console's HTTP, without a browser: cookies kept, redirects not followed. */
final class ConsoleClient {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    final CookieManager cookies = new CookieManager();
    private final HttpClient http;
    private final URI base;
    /** Headers every request sends: no Accept unless given (as Java's client, unlike a browser). */
    private final Map<String, String> headers;

    ConsoleClient(URI base) {
        this(base, Map.of());
    }

    ConsoleClient(URI base, Optional<String> accept) {
        this(base, accept.map(types -> Map.of("Accept", types)).orElse(Map.of()));
    }

    ConsoleClient(URI base, Map<String, String> headers) {
        this.base = base;
        this.headers = Map.copyOf(headers);
        this.http = HttpClient.newBuilder().cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** A GET with these headers too (a browser's fetch metadata). */
    HttpResponse<String> get(String path, Map<String, String> extra) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).GET();
        extra.forEach(request::header);
        return send(request);
    }

    HttpResponse<String> head(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).HEAD());
    }

    HttpResponse<String> post(String path, Map<String, String> form) {
        return post(path, form, Map.of());
    }

    /** A form post with these headers too (a browser's fetch metadata). */
    HttpResponse<String> post(String path, Map<String, String> form, Map<String, String> extra) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        extra.forEach(request::header);
        return send(request);
    }

    /** A request as a browser, a script or a probe might send it: any method, any body as given. */
    HttpResponse<String> send(String method, String path, String contentType, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(body));
        if (!contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    /** Opens the sign-in form and posts it with this token: the answer to the post. */
    HttpResponse<String> signIn(String token, String team) {
        String form = get("/console/sign-in").body();
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("csrf", csrfOf(form));
        fields.put("token", token);
        fields.put("team", team);
        return post("/console/sign-in", fields);
    }

    static String csrfOf(String page) {
        Matcher m = CSRF.matcher(page);
        if (!m.find()) {
            throw new AssertionError("no CSRF field in the page:\n" + page);
        }
        return m.group(1);
    }

    Optional<HttpCookie> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            headers.forEach(request::header);
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
