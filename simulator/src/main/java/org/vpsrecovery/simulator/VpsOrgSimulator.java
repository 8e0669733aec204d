package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A VPS.org stand-in over real HTTP (the JDK's server, one virtual thread per request): the eight
 * documented endpoints, per-token accounts, fault injection and a record of every request received.
 * Also an admin API under {@code /__admin/} (unauthenticated: the simulator binds to loopback).
 *
 * <pre>{@code
 * try (VpsOrgSimulator simulator = VpsOrgSimulator.start(SimulatorOptions.defaults())) {
 *     URI base = simulator.baseUri();           // http://127.0.0.1:<free port>
 *     simulator.faults().add(Fault.serverError(503).times(2));
 *     ... simulator.requests() ...
 * }
 * }</pre>
 */
public final class VpsOrgSimulator implements AutoCloseable {

    public static final String DEMO_TOKEN = "demo-token";
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MAX_RECORDED = 10_000;

    private static final Pattern SNAPSHOTS = Pattern.compile("/api/v1/snapshots/");
    private static final Pattern SNAPSHOT = Pattern.compile("/api/v1/snapshots/(\\d{1,18})/");
    private static final Pattern SNAPSHOT_RESTORE = Pattern.compile("/api/v1/snapshots/(\\d{1,18})/restore/");
    private static final Pattern BACKUPS = Pattern.compile("/api/v1/backups/");
    private static final Pattern BACKUP = Pattern.compile("/api/v1/backups/(\\d{1,18})/");
    private static final Pattern SERVER_RESTORE = Pattern.compile("/api/v1/servers/(\\d{1,18})/restore/");

    private final SimulatorOptions options;
    private final ProviderState state;
    private final FaultSchedule faults;
    private final LifecycleSchedule lifecycle;
    private final Deque<RecordedRequest> recorded = new ArrayDeque<>();
    // API requests being served now, and the most served at once since the record was last cleared.
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();
    // Not the exchange's attributes: the JDK server keeps those per context, shared by every exchange.
    private final java.util.Set<HttpExchange> counted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final HttpServer server;
    private final ExecutorService handlers;

    private VpsOrgSimulator(SimulatorOptions options) throws IOException {
        this.options = options;
        this.lifecycle = new LifecycleSchedule(options.lifecycle(), options.randomSeed());
        this.state = new ProviderState(options.clock(), lifecycle, options.pageSize(), options.undocumented(),
                initialSeed(options));
        this.faults = new FaultSchedule(options.randomSeed());
        this.handlers = Executors.newVirtualThreadPerTaskExecutor();
        this.server = HttpServer.create(new InetSocketAddress(options.host(), options.port()), 0);
        server.createContext("/", this::handle);
        server.setExecutor(handlers);
        server.start();
    }

    public static VpsOrgSimulator start(SimulatorOptions options) {
        try {
            return new VpsOrgSimulator(options);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the simulator on " + options.host() + ":" + options.port(), e);
        }
    }

    private static Seed initialSeed(SimulatorOptions options) {
        return options.shiftSeedToNow() ? options.seed().shiftedTo(options.clock().instant()) : options.seed();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public URI baseUri() {
        return URI.create("http://" + options.host() + ":" + port());
    }

    public FaultSchedule faults() {
        return faults;
    }

    public SimulatorClock clock() {
        return options.clock();
    }

    /** How long creations and restores take, how creations end, and the outcomes forced on the next ones. */
    public LifecycleSchedule lifecycle() {
        return lifecycle;
    }

    public List<RecordedRequest> requests() {
        synchronized (recorded) {
            return List.copyOf(recorded);
        }
    }

    public void clearRequests() {
        synchronized (recorded) {
            recorded.clear();
        }
        mostInFlight.set(inFlight.get());
    }

    /** The most API requests (not {@code /__admin/}) served at the same time since the record was last cleared. */
    public int mostRequestsInFlight() {
        return mostInFlight.get();
    }

    /** The most snapshots the server has held at once since the seed was (re)loaded, counted at each create. */
    public long mostSnapshotsOn(long serverId) {
        return state.mostSnapshotsOn(serverId);
    }

    /** How many snapshot creates were refused with "Snapshot limit reached" since the seed was (re)loaded. */
    public long refusedAtSnapshotLimit() {
        return state.refusedAtSnapshotLimit();
    }

    /** Back to the seed: state, faults, the request record, and the options' lifecycle from its first draw. */
    public void reset() {
        lifecycle.reset();
        state.load(initialSeed(options));
        faults.clear();
        clearRequests();
    }

    @Override
    public void close() {
        stopping.countDown(); // releases hanging handlers
        server.stop(0);
        handlers.shutdownNow();
        try {
            handlers.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // ---- request handling ----

    private void handle(HttpExchange exchange) {
        try (exchange) {
            byte[] body = readBody(exchange.getRequestBody());
            String path = exchange.getRequestURI().getRawPath();
            String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
            if (path.startsWith("/__admin/")) {
                send(exchange, admin(method, path, body));
                return;
            }
            record(exchange, method, path, body);
            mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            counted.add(exchange);
            try {
                Answer spent = overBudget(exchange);
                if (spent != null) {
                    send(exchange, spent);
                } else {
                    serveWithFaults(exchange, method, path, body);
                }
            } finally {
                leaveInFlight(exchange);
            }
        } catch (IOException | RuntimeException e) {
            // The client went away or the answer could not be written: nothing more to do.
        }
    }

    private void serveWithFaults(HttpExchange exchange, String method, String path, byte[] body) throws IOException {
        Fault replacing = null;
        for (Fault fault : faults.draw(method, path)) {
            if (fault.replacesAnswer()) {
                replacing = fault;
            } else if (!pause(fault.delay())) {
                return;
            }
        }
        if (replacing == null) {
            send(exchange, answer(exchange, method, path, body));
            return;
        }
        Answer answer = null;
        if (replacing.afterCommit() || replacing.effect() == Fault.Effect.MALFORMED_JSON) {
            answer = answer(exchange, method, path, body); // the provider does the work; only the answer goes wrong
        }
        switch (replacing.effect()) {
            case SERVER_ERROR -> send(exchange, Answer.detail(replacing.status(),
                    "A server error occurred. Please try again later."));
            case REFUSED -> send(exchange, Answer.detail(replacing.status(), replacing.detail()));
            case HTML_ERROR -> send(exchange, Answer.html(replacing.status(),
                    "<html><head><title>" + replacing.status() + "</title></head><body><h1>"
                            + replacing.status() + " Bad Gateway</h1><hr>nginx</body></html>"));
            case RATE_LIMITED -> send(exchange, throttled(replacing.retryAfter(), replacing.retryAfterForm()));
            case MALFORMED_JSON -> send(exchange, answer.truncated());
            case HANG -> pause(replacing.delay().isZero() ? options.longestHang() : replacing.delay());
            case DROP_CONNECTION -> { } // closing without headers drops the connection
            case LATENCY -> throw new IllegalStateException("latency does not replace an answer");
        }
    }

    /** VPS.org's 429, its wait said as {@code form}. */
    private static Answer throttled(Duration retryAfter, Fault.RetryAfterForm form) {
        long seconds = retryAfter.toSeconds() + (retryAfter.toNanosPart() > 0 ? 1 : 0); // whole seconds, rounded up
        Answer answer = Answer.detail(429, "Request was throttled. Expected available in " + seconds + " seconds.");
        return switch (form) {
            case SECONDS -> answer.withHeader("Retry-After", Long.toString(seconds));
            case HTTP_DATE -> answer.withHeader("Retry-After", java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME
                    .format(java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC).plusSeconds(seconds)));
            case NONE -> answer;
        };
    }

    /**
     * An account's budget of calls a minute ({@code --rate-limit N/min}; 0, the default: none), as VPS.org limits a
     * token: a call past it is answered 429 with the whole seconds until the oldest call in the last minute leaves it.
     */
    public void rateLimit(int callsPerMinute) {
        if (callsPerMinute < 0) {
            throw new IllegalArgumentException("a rate limit is not negative, was " + callsPerMinute);
        }
        this.callsPerMinute = callsPerMinute;
        callsByToken.clear();
    }

    private volatile int callsPerMinute;
    /** Each token's calls in the last minute, oldest first (monotonic nanoseconds). */
    private final java.util.Map<String, java.util.ArrayDeque<Long>> callsByToken = new java.util.concurrent.ConcurrentHashMap<>();

    /** The 429 a token past its budget gets, or null: the call is counted. */
    private Answer overBudget(HttpExchange exchange) {
        int budget = callsPerMinute;
        String token = bearerToken(exchange);
        if (budget == 0 || token == null) {
            return null;
        }
        long now = System.nanoTime();
        long minute = TimeUnit.MINUTES.toNanos(1);
        java.util.ArrayDeque<Long> calls = callsByToken.computeIfAbsent(token, t -> new java.util.ArrayDeque<>());
        synchronized (calls) {
            while (!calls.isEmpty() && now - calls.peekFirst() >= minute) {
                calls.pollFirst();
            }
            if (calls.size() >= budget) {
                return throttled(Duration.ofNanos(minute - (now - calls.peekFirst())), Fault.RetryAfterForm.SECONDS);
            }
            calls.addLast(now);
            return null;
        }
    }

    /** Waits, unless the simulator stops first; false if it is stopping. */
    private boolean pause(Duration delay) {
        try {
            return !stopping.await(delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The provider's answer; a bug in the simulator shows as a 500 and a stack trace, not as a dropped connection. */
    private Answer answer(HttpExchange exchange, String method, String path, byte[] body) {
        try {
            return api(exchange, method, path, body);
        } catch (RuntimeException bug) {
            bug.printStackTrace();
            return Answer.detail(500, "Simulator error: " + bug);
        }
    }

    private Answer api(HttpExchange exchange, String method, String path, byte[] body) {
        Route route = route(path);
        if (route == null) {
            return Answer.detail(404, "Not found.");
        }
        if (!route.allows(method)) {
            return Answer.detail(405, "Method \"" + method + "\" not allowed.")
                    .withHeader("Allow", String.join(", ", route.methods));
        }
        String token = bearerToken(exchange);
        if (token == null) {
            return Answer.detail(401, "Authentication credentials were not provided.")
                    .withHeader("WWW-Authenticate", "Bearer realm=\"api\"");
        }
        if (!state.knowsToken(token)) {
            return Answer.detail(401, "Invalid token.").withHeader("WWW-Authenticate", "Bearer realm=\"api\"");
        }
        JsonNode json = null;
        if (method.equals("POST") && body.length > 0) {
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
                return Answer.detail(415, "Unsupported media type \"" + contentType + "\" in request.");
            }
            try {
                json = Answer.JSON.readTree(body);
            } catch (IOException e) {
                return Answer.detail(400, "JSON parse error - the request body is not valid JSON.");
            }
        }
        if (method.equals("POST") && route.needsBody && (json == null || !json.isObject())) {
            return Answer.detail(400, "Invalid data. Expected a dictionary, but got "
                    + (json == null ? "nothing" : json.getNodeType().name().toLowerCase(Locale.ROOT)) + ".");
        }
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String self = (options.advertisedUrl() == null ? "http://" + hostHeader(exchange)
                : options.advertisedUrl().toString().replaceAll("/+$", "")) + path;
        return switch (route.name) {
            case "snapshots" -> method.equals("GET") ? state.listSnapshots(token, query, self)
                    : state.createSnapshot(token, json);
            case "snapshot" -> state.deleteSnapshot(token, route.id);
            case "snapshot-restore" -> state.restoreSnapshot(token, route.id);
            case "backups" -> method.equals("GET") ? state.listBackups(token, query, self)
                    : state.createBackup(token, json);
            case "backup" -> state.deleteBackup(token, route.id);
            case "server-restore" -> state.restoreServerFromBackup(token, route.id,
                    json == null ? Answer.JSON.createObjectNode() : json);
            default -> throw new IllegalStateException(route.name);
        };
    }

    private record Route(String name, long id, List<String> methods, boolean needsBody) {
        boolean allows(String method) {
            return methods.contains(method);
        }
    }

    private static Route route(String path) {
        Matcher m;
        if (SNAPSHOTS.matcher(path).matches()) {
            return new Route("snapshots", 0, List.of("GET", "POST"), true);
        }
        if ((m = SNAPSHOT_RESTORE.matcher(path)).matches()) {
            return new Route("snapshot-restore", Long.parseLong(m.group(1)), List.of("POST"), false);
        }
        if ((m = SNAPSHOT.matcher(path)).matches()) {
            return new Route("snapshot", Long.parseLong(m.group(1)), List.of("DELETE"), false);
        }
        if (BACKUPS.matcher(path).matches()) {
            return new Route("backups", 0, List.of("GET", "POST"), true);
        }
        if ((m = BACKUP.matcher(path)).matches()) {
            return new Route("backup", Long.parseLong(m.group(1)), List.of("DELETE"), false);
        }
        if ((m = SERVER_RESTORE.matcher(path)).matches()) {
            return new Route("server-restore", Long.parseLong(m.group(1)), List.of("POST"), false);
        }
        return null;
    }

    private static String bearerToken(HttpExchange exchange) {
        String header = exchange.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).strip();
        return token.isEmpty() ? null : token;
    }

    private static String hostHeader(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null || host.isBlank()) {
            InetSocketAddress local = exchange.getLocalAddress();
            return local.getHostString() + ":" + local.getPort();
        }
        return host;
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return params;
        }
        for (String pair : rawQuery.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.putIfAbsent(key, value);
        }
        return params;
    }

    private static byte[] readBody(InputStream in) throws IOException {
        byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("request body too large");
        }
        return body;
    }

    private void record(HttpExchange exchange, String method, String path, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) ->
                headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
        String query = exchange.getRequestURI().getRawQuery();
        RecordedRequest request = new RecordedRequest(options.clock().instant(), method, path,
                query == null ? "" : query, headers, new String(body, StandardCharsets.UTF_8));
        synchronized (recorded) {
            if (recorded.size() == MAX_RECORDED) {
                recorded.removeFirst(); // a long benchmark run must not grow the record without bound
            }
            recorded.addLast(request);
        }
    }

    /** Before the answer goes out: the caller may send its next request the moment it has this one's answer. */
    private void leaveInFlight(HttpExchange exchange) {
        if (counted.remove(exchange)) {
            inFlight.decrementAndGet();
        }
    }

    private void send(HttpExchange exchange, Answer answer) throws IOException {
        leaveInFlight(exchange);
        if (answer.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        }
        answer.headers().forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        byte[] body = answer.body();
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            exchange.getResponseBody().write(body);
        }
    }

    // ---- admin API ----

    private Answer admin(String method, String path, byte[] body) {
        try {
            return switch (method + " " + path) {
                case "GET /__admin/health" -> Answer.json(200, Answer.JSON.createObjectNode().put("status", "up"));
                case "POST /__admin/faults" -> {
                    Fault fault = faultFromJson(Answer.JSON.readTree(body));
                    faults.add(fault);
                    yield Answer.json(201, faultJson(fault));
                }
                case "GET /__admin/faults" -> {
                    ArrayNode list = Answer.JSON.createArrayNode();
                    faults.active().forEach(f -> list.add(faultJson(f)));
                    yield Answer.json(200, list);
                }
                case "DELETE /__admin/faults" -> {
                    faults.clear();
                    yield Answer.noContent();
                }
                case "GET /__admin/requests" -> {
                    ArrayNode list = Answer.JSON.createArrayNode();
                    requests().forEach(r -> list.add(Answer.JSON.valueToTree(Map.of(
                            "received_at", r.receivedAt().toString(), "method", r.method(), "path", r.path(),
                            "query", r.query(), "headers", r.headers(), "body", r.body()))));
                    yield Answer.json(200, list);
                }
                case "DELETE /__admin/requests" -> {
                    clearRequests();
                    yield Answer.noContent();
                }
                case "POST /__admin/reset" -> {
                    reset();
                    yield Answer.noContent();
                }
                case "GET /__admin/lifecycle" -> Answer.json(200, lifecycleJson());
                case "POST /__admin/lifecycle" -> {
                    lifecycle.change(changedLifecycle(lifecycle.lifecycle(), Answer.JSON.readTree(body)));
                    yield Answer.json(200, lifecycleJson());
                }
                case "POST /__admin/outcomes" -> {
                    ForcedOutcome forced = forcedOutcomeFromJson(Answer.JSON.readTree(body));
                    lifecycle.force(forced);
                    yield Answer.json(201, forcedOutcomeJson(forced));
                }
                case "GET /__admin/outcomes" -> {
                    ArrayNode list = Answer.JSON.createArrayNode();
                    lifecycle.forced().forEach(f -> list.add(forcedOutcomeJson(f)));
                    yield Answer.json(200, list);
                }
                case "DELETE /__admin/outcomes" -> {
                    lifecycle.clearForced();
                    yield Answer.noContent();
                }
                case "POST /__admin/clock" -> {
                    JsonNode json = Answer.JSON.readTree(body);
                    options.clock().advance(Duration.ofSeconds(json.path("advance_seconds").asLong()));
                    yield Answer.json(200, Answer.JSON.createObjectNode().put("now", options.clock().instant().toString()));
                }
                default -> Answer.detail(404, "Not found.");
            };
        } catch (IOException | RuntimeException e) {
            return Answer.detail(400, "Bad admin request: " + e.getMessage());
        }
    }

    /** {@code {"effect": "server_error", "status": 503, "method": "GET", "path": "/api/v1/snapshots/", "times": 2}}. */
    static Fault faultFromJson(JsonNode json) {
        if (json == null || !json.hasNonNull("effect")) {
            throw new IllegalArgumentException("a fault needs an effect");
        }
        return new Fault(Fault.Effect.fromWire(json.get("effect").asText()),
                json.hasNonNull("method") ? json.get("method").asText() : null,
                json.hasNonNull("path") ? json.get("path").asText() : null,
                json.path("after_commit").asBoolean(false),
                json.path("times").asInt(-1),
                json.path("share").asDouble(1.0),
                Duration.ofMillis(json.path("delay_ms").asLong(0)),
                json.path("status").asInt(json.get("effect").asText().equalsIgnoreCase("rate_limited") ? 429 : 0),
                Duration.ofSeconds(json.path("retry_after_seconds").asLong(0)),
                json.hasNonNull("detail") ? json.get("detail").asText() : null,
                json.hasNonNull("retry_after_form") ? Fault.RetryAfterForm.fromWire(json.get("retry_after_form").asText())
                        : Fault.RetryAfterForm.SECONDS);
    }

    private static ObjectNode faultJson(Fault fault) {
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("effect", fault.effect().wireName());
        node.put("method", fault.method());
        node.put("path", fault.pathPattern());
        node.put("after_commit", fault.afterCommit());
        node.put("times", fault.times());
        node.put("share", fault.share());
        node.put("delay_ms", fault.delay().toMillis());
        node.put("status", fault.status());
        node.put("retry_after_seconds", fault.retryAfter().toSeconds());
        node.put("detail", fault.detail());
        node.put("retry_after_form", fault.retryAfterForm().wireName());
        return node;
    }

    private static final List<String> LIFECYCLE_FIELDS =
            List.of("profile", "snapshot_seconds", "backup_seconds", "restore_seconds", "backup_restore_seconds",
                    "failure_rate");

    /**
     * {@code {"profile": "realistic", "snapshot_seconds": "180-600", "backup_seconds": 20,
     * "restore_seconds": "300-900", "backup_restore_seconds": "960-3000", "failure_rate": 0.1}}, every field optional:
     * the profile first (keeping the failure rate), then the others over it; {@code restore_seconds} sets both kinds of
     * restore, {@code backup_restore_seconds} then the backup's.
     */
    static Lifecycle changedLifecycle(Lifecycle current, JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("expected a JSON object with any of " + LIFECYCLE_FIELDS);
        }
        json.fieldNames().forEachRemaining(field -> {
            if (!LIFECYCLE_FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown field " + field + "; known: " + LIFECYCLE_FIELDS);
            }
        });
        Lifecycle changed = current;
        if (json.hasNonNull("profile")) {
            changed = LifecycleProfile.fromWire(json.get("profile").asText()).lifecycle().withFailureRate(current.failureRate());
        }
        if (json.hasNonNull("snapshot_seconds")) {
            changed = changed.withSnapshotCreation(DurationRange.parseSeconds(json.get("snapshot_seconds").asText()));
        }
        if (json.hasNonNull("backup_seconds")) {
            changed = changed.withBackupCreation(DurationRange.parseSeconds(json.get("backup_seconds").asText()));
        }
        if (json.hasNonNull("restore_seconds")) {
            changed = changed.withRestore(DurationRange.parseSeconds(json.get("restore_seconds").asText()));
        }
        if (json.hasNonNull("backup_restore_seconds")) {
            changed = changed.withBackupRestore(DurationRange.parseSeconds(json.get("backup_restore_seconds").asText()));
        }
        if (json.has("failure_rate")) {
            if (!json.get("failure_rate").isNumber()) {
                throw new IllegalArgumentException("failure_rate must be a number in [0, 1]");
            }
            changed = changed.withFailureRate(json.get("failure_rate").asDouble());
        }
        return changed;
    }

    private ObjectNode lifecycleJson() {
        Lifecycle current = lifecycle.lifecycle();
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("profile", Arrays.stream(LifecycleProfile.values())
                .filter(p -> p.lifecycle().withFailureRate(current.failureRate()).equals(current))
                .map(LifecycleProfile::wireName).findFirst().orElse(null));
        node.put("snapshot_seconds", current.snapshotCreation().toSecondsText());
        node.put("backup_seconds", current.backupCreation().toSecondsText());
        node.put("restore_seconds", current.restore().toSecondsText());
        node.put("backup_restore_seconds", current.backupRestore().toSecondsText());
        node.put("failure_rate", current.failureRate());
        node.put("random_seed", lifecycle.randomSeed());
        ArrayNode forced = node.putArray("forced_outcomes");
        lifecycle.forced().forEach(f -> forced.add(forcedOutcomeJson(f)));
        return node;
    }

    /** {@code {"outcome": "failed", "kind": "snapshot", "times": 1}}: kind (snapshot or backup) optional, times 1 unless given. */
    static ForcedOutcome forcedOutcomeFromJson(JsonNode json) {
        if (json == null || !json.hasNonNull("outcome")) {
            throw new IllegalArgumentException("a forced outcome needs an outcome: completed, failed or vanished");
        }
        json.fieldNames().forEachRemaining(field -> {
            if (!List.of("outcome", "kind", "times").contains(field)) {
                throw new IllegalArgumentException("unknown field " + field + "; known: outcome, kind, times");
            }
        });
        return new ForcedOutcome(CreationOutcome.fromWire(json.get("outcome").asText()),
                json.hasNonNull("kind") ? json.get("kind").asText() : null, json.path("times").asInt(1));
    }

    private static ObjectNode forcedOutcomeJson(ForcedOutcome forced) {
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("outcome", forced.outcome().wireName());
        node.put("kind", forced.kind());
        node.put("times", forced.times());
        return node;
    }

    /** For the command line: everything a newcomer needs to call the simulator. */
    List<String> banner() {
        List<String> lines = new ArrayList<>();
        lines.add("VPS.org simulator listening on " + baseUri());
        lines.add("Demo API token: " + DEMO_TOKEN + "   (a second account: other-account-token)");
        Lifecycle current = lifecycle.lifecycle();
        lines.add("Snapshots take " + current.snapshotCreation().toSecondsText() + " s, backups "
                + current.backupCreation().toSecondsText() + " s, restores " + current.restore().toSecondsText()
                + " s (from a backup " + current.backupRestore().toSecondsText() + " s); failure rate " + current.failureRate() + " (see " + baseUri() + "/__admin/lifecycle)");
        UndocumentedAnswers undocumented = options.undocumented();
        if (!undocumented.equals(UndocumentedAnswers.none())) {
            lines.add("Undocumented answers: restores answered " + undocumented.restoreAnswer().wire()
                    + (undocumented.refuseWhileRestoring() ? "; creates and deletes on a restoring server refused 400" : ""));
        }
        lines.add("Try: curl -s -H 'Authorization: Bearer " + DEMO_TOKEN + "' -H 'Content-Type: application/json' "
                + baseUri() + "/api/v1/snapshots/");
        return lines;
    }
}
