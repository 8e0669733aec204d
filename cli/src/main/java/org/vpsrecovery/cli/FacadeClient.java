package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

/**
 * The REST facade over HTTP: one request, one answer. A refusal becomes a {@link FacadeProblem}
 * (its problem+json reason code kept), an unreachable service an {@link Unreachable}, a change sent whose answer
 * never came a {@link ChangeInDoubt}. No retry here: a 429 or 503 ends the request with its Retry-After kept, the
 * caller decides (only {@link OperationWatch}'s reads try again: a read is not the change).
 */
final class FacadeClient {

    /** Longer than the longest wait the facade allows (60 s). */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(90);

    record Answer(int status, Map<String, String> headers, JsonNode body) {
        Optional<String> header(String name) {
            return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
        }
    }

    private final Connection connection;
    private final ObjectMapper json;
    private final HttpClient http;

    FacadeClient(Connection connection, ObjectMapper json) {
        this.connection = connection;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Answer get(String path, Map<String, String> query) {
        return get(path, query, REQUEST_TIMEOUT);
    }

    /** As {@link #get(String, Map)}, waiting {@code timeout} for the answer (one that comes only when its work ends). */
    Answer get(String path, Map<String, String> query, Duration timeout) {
        return send(request(path, query).timeout(timeout).GET().header("Accept", "application/json"));
    }

    Answer post(String path, Map<String, String> query, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, query).header("Accept", "application/json");
        headers.forEach(request::header);
        if (body == null) {
            request.POST(HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json");
            request.POST(HttpRequest.BodyPublishers.ofString(write(body)));
        }
        return send(request);
    }

    Answer put(String path, Object body, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, Map.of()).header("Accept", "application/json")
                .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(write(body)));
        headers.forEach(request::header);
        return send(request);
    }

    Answer delete(String path, Map<String, String> headers) {
        HttpRequest.Builder request = request(path, Map.of()).DELETE().header("Accept", "application/json");
        headers.forEach(request::header);
        return send(request);
    }

    /**
     * A streamed text answer (the audit CSV export), copied to {@code sink} as it arrives; it stops at the first
     * chunk {@code sinkFailed} says was lost (a full disk need not take the whole export to find out).
     */
    void stream(String path, Map<String, String> query, String accept, PrintWriter sink, BooleanSupplier sinkFailed) {
        HttpRequest request = request(path, query).GET().header("Accept", accept).build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new Unreachable(connection.url(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(connection.url(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw refusal(response.statusCode(), headers(response), readQuietly(response.body()), Optional.empty());
        }
        // A 2xx of another type (a proxy's 200 sign-in page) is no export, however it ends: nothing of it is written.
        Optional<String> contentType = response.headers().firstValue("Content-Type");
        if (!contentType.map(FacadeClient::mediaType).filter(accept::equalsIgnoreCase).isPresent()) {
            readQuietly(response.body());
            throw NotTheServicesAnswer.notOfType(response.statusCode(), contentType, mediaName(accept));
        }
        LastLine lastLine = new LastLine();
        try (var body = new InputStreamReader(response.body(), StandardCharsets.UTF_8)) {
            char[] chunk = new char[8192];
            for (int read = body.read(chunk); read >= 0; read = body.read(chunk)) {
                sink.write(chunk, 0, read);
                lastLine.add(chunk, read);
                if (sinkFailed.getAsBoolean()) {
                    throw new OutputFailed();
                }
            }
            sink.flush();
        } catch (IOException e) {
            sink.flush();
            // The service answered 2xx, then closed the connection without the body's end (Micronaut does so when a
            // streamed answer fails): not unreachable, and what is on stdout already is a part only. The sink, a
            // PrintWriter, never throws: every IOException here is the body's. An export that met an event changed
            // outside the platform says so in its last line before breaking off (ADR 0005, amended in session 40).
            if (lastLine.complete().startsWith(ALTERED_MARKER)) {
                throw new AlteredEventInExport(lastLine.complete().substring(ALTERED_MARKER.length()).strip());
            }
            throw new AnswerCutShort(e);
        }
    }

    /** A Content-Type's media type, without its parameters (charset): {@code text/csv;charset=utf-8} is text/csv. */
    private static String mediaType(String contentType) {
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).strip();
    }

    /** Whether a media type is JSON: {@code application/json}, or a JSON structured type ({@code application/x+json}). */
    private static boolean isJson(String mediaType) {
        String type = mediaType.toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.startsWith("application/") && type.endsWith("+json");
    }

    /** What a media type is called in a message: text/csv is CSV. */
    private static String mediaName(String mediaType) {
        return mediaType.equalsIgnoreCase("text/csv") ? "CSV" : mediaType;
    }

    /** How the service's export begins its last line when it stopped at an altered audit event. */
    static final String ALTERED_MARKER = "#" + ExitCodes.AUDIT_EVENT_ALTERED + ": ";

    /**
     * The last whole line of a streamed answer when it begins with {@code #}, else empty (its first 2 KiB: enough to
     * tell the marker and its message). Only such a line is made a String: an export has millions of others.
     */
    private static final class LastLine {
        private static final int KEPT = 2048;
        private final StringBuilder current = new StringBuilder();
        private String complete = "";

        void add(char[] chunk, int length) {
            for (int i = 0; i < length; i++) {
                char c = chunk[i];
                if (c == '\n') {
                    complete = !current.isEmpty() && current.charAt(0) == '#' ? current.toString() : "";
                    current.setLength(0);
                } else if (current.length() < KEPT) {
                    current.append(c);
                }
            }
        }

        String complete() {
            return complete;
        }
    }

    private static byte[] readQuietly(InputStream body) {
        try (body) {
            return body.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private HttpRequest.Builder request(String path, Map<String, String> query) {
        String queryText = query.entrySet().stream().filter(e -> e.getValue() != null)
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        URI uri = URI.create(connection.url() + path + (queryText.isEmpty() ? "" : "?" + queryText));
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("User-Agent", "vpsr/" + Vpsr.VERSION);
        connection.token().ifPresent(token -> builder.header("Authorization", "Bearer " + token));
        connection.team().ifPresent(team -> builder.header(Connection.TEAM_HEADER, team));
        return builder;
    }

    private Answer send(HttpRequest.Builder request) {
        HttpRequest built = request.build();
        boolean change = !built.method().equals("GET");
        boolean sentWithKey = built.headers().firstValue("Idempotency-Key").isPresent();
        // The answer's status line and headers, once they came: a failure after them is the body's, not the request's.
        AtomicReference<HttpResponse.ResponseInfo> head = new AtomicReference<>();
        HttpResponse<byte[]> response;
        try {
            response = http.send(built, info -> {
                head.set(info);
                return HttpResponse.BodySubscribers.ofByteArray();
            });
        } catch (IOException | IllegalArgumentException e) {
            HttpResponse.ResponseInfo answered = head.get();
            if (answered != null && e instanceof IOException brokenOff) {
                Map<String, String> headers = headers(answered.headers());
                if (answered.statusCode() / 100 != 2) {
                    // A refusal whose body was lost is still the refusal its status says.
                    throw refusal(answered.statusCode(), headers, new byte[0], lookAdvice(change, sentWithKey));
                }
                throw new AnswerCutShort(answered.statusCode(), change,
                        Optional.ofNullable(headers.get("x-operation-id")), brokenOff);
            }
            Unreachable unreachable = new Unreachable(connection.url(), e);
            // A change whose request went out may have been made, though no answer came: not "could not be reached".
            if (change && unreachable.afterConnecting()) {
                throw new ChangeInDoubt(built.method(), connection.url(), (IOException) e, sentWithKey);
            }
            throw unreachable;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(connection.url(), e);
        }
        Map<String, String> headers = headers(response);
        if (response.statusCode() / 100 != 2) {
            throw refusal(response.statusCode(), headers, response.body(), lookAdvice(change, sentWithKey));
        }
        return new Answer(response.statusCode(), headers, successBody(response.statusCode(), headers, response.body()));
    }

    /**
     * A success's body: the service's JSON, or nothing. A 2xx that is not JSON (a proxy's 200 sign-in page), or not
     * sent as JSON whatever it reads as (a page of plain text that parses as a number, a proxy's JSON sent as
     * text/html), is not the service's answer, and no success: {@link NotTheServicesAnswer} (ADR 0039, amended in
     * session 52; as the export's type is checked).
     */
    private JsonNode successBody(int status, Map<String, String> headers, byte[] body) {
        if (body == null || body.length == 0) {
            return NullNode.getInstance();
        }
        Optional<String> contentType = Optional.ofNullable(headers.get("content-type"));
        if (!contentType.map(FacadeClient::mediaType).filter(FacadeClient::isJson).isPresent()) {
            throw NotTheServicesAnswer.notOfType(status, contentType, "JSON");
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw NotTheServicesAnswer.notOfType(status, Optional.ofNullable(headers.get("content-type")), "JSON");
        }
    }

    /**
     * A refusal. {@code lookAdvice}, for a change, is what to do when a proxy before the service answered for it: a 502,
     * 503 or 504 without a problem+json reason code is not the service's, and the proxy may have forwarded the change
     * before it gave up (nginx's 502/504 after sending it upstream, Envoy's 503 for an upstream reset): it may have
     * taken effect, as when no answer came. The service's own 502/503/504 always carry a reason code.
     */
    private FacadeProblem refusal(int status, Map<String, String> headers, byte[] body, Optional<String> lookAdvice) {
        JsonNode problem = parse(body);
        String detail = text(problem, "detail").or(() -> text(problem, "title")).orElse("HTTP " + status);
        Optional<String> reasonCode = text(problem, "reason_code");
        boolean aProxysGatewayFailure = (status == 502 || status == 503 || status == 504) && reasonCode.isEmpty();
        Optional<String> proxyHint = lookAdvice.filter(advice -> aProxysGatewayFailure)
                .map(advice -> "HTTP " + status + " without a reason code is a proxy's answer, not the service's, and "
                        + "the proxy may have passed the change on: " + advice);
        return new FacadeProblem(status, reasonCode, detail,
                text(problem, "request_id").or(() -> Optional.ofNullable(headers.get("x-request-id"))),
                Optional.ofNullable(headers.get("retry-after")), teamHint(status, detail).or(() -> proxyHint),
                Optional.ofNullable(headers.get("x-operation-id")));
    }

    /** For a change, what to do when its outcome is not known; nothing for a read. */
    private static Optional<String> lookAdvice(boolean change, boolean sentWithKey) {
        return change ? Optional.of(lookBeforeRunningAgain(sentWithKey)) : Optional.empty();
    }

    /** What a change whose outcome is unknown calls for: look first, or repeat it with its key. */
    static String lookBeforeRunningAgain(boolean sentWithKey) {
        return "the change may have taken effect; look (vpsr operations list) before running it again"
                + (sentWithKey ? ", or run it again with the same --idempotency-key" : "");
    }

    /** A refusal about the team header names a header the user never typed: say which setting of vpsr sends it. */
    private Optional<String> teamHint(int status, String detail) {
        if ((status != 400 && status != 401 && status != 403) || !detail.contains(Connection.TEAM_HEADER)) {
            return Optional.empty();
        }
        return Optional.of(connection.team()
                .map(team -> "team " + team + " was sent (from " + connection.teamSource()
                        + "); choose another with --team, VPSR_TEAM or team= in the config file")
                .orElse("choose the team with --team, VPSR_TEAM or team= in the config file"));
    }

    private JsonNode parse(byte[] body) {
        if (body == null || body.length == 0) {
            return NullNode.getInstance();
        }
        try {
            return json.readTree(body);
        } catch (IOException e) {
            // Not JSON (a proxy's page): kept as text for the message.
            return json.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        return node != null && node.hasNonNull(field) ? Optional.of(node.get(field).asText()) : Optional.empty();
    }

    private static Map<String, String> headers(HttpResponse<?> response) {
        return headers(response.headers());
    }

    private static Map<String, String> headers(java.net.http.HttpHeaders received) {
        Map<String, String> headers = new LinkedHashMap<>();
        received.map().forEach((name, values) -> headers.put(name.toLowerCase(java.util.Locale.ROOT),
                values.isEmpty() ? "" : values.getFirst()));
        return headers;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** The service answered, but not with a success. */
    static final class FacadeProblem extends RuntimeException {
        final int status;
        final Optional<String> reasonCode;
        final Optional<String> requestId;
        final Optional<String> retryAfter;
        /** What vpsr's user can do about it, when the answer names something vpsr sets for them. */
        final Optional<String> hint;
        /**
         * The X-Operation-Id a refusal carries when the change went as far as its operation: a 504 OUTCOME_UNKNOWN, a
         * 409 IDEMPOTENT_REQUEST_INTERRUPTED (whose id may also name a pending change, a hold or a recorded change).
         */
        final Optional<String> operationId;

        FacadeProblem(int status, Optional<String> reasonCode, String detail, Optional<String> requestId,
                      Optional<String> retryAfter, Optional<String> hint, Optional<String> operationId) {
            super(detail);
            this.status = status;
            this.reasonCode = reasonCode;
            this.requestId = requestId;
            this.retryAfter = retryAfter;
            this.hint = hint;
            this.operationId = operationId;
        }

        int exitCode() {
            return ExitCodes.forAnswer(status, reasonCode);
        }
    }

    /**
     * A 2xx that is not what the service answers: not JSON (not CSV for the export), or a list command's JSON that is no
     * list. Something between vpsr and the service answered (a proxy, a sign-in page).
     */
    static final class NotTheServicesAnswer extends RuntimeException {
        private static final String WHAT_TO_DO = ", so not the service's: a proxy or a sign-in page in the way? Check "
                + "the url (vpsr config); a change may or may not have reached the service: look before running it again";

        private NotTheServicesAnswer(String message) {
            super(message);
        }

        /** A 2xx whose Content-Type is not the one the service sends ({@code expected}: JSON, CSV). */
        static NotTheServicesAnswer notOfType(int status, Optional<String> contentType, String expected) {
            return new NotTheServicesAnswer("the answer (HTTP " + status + ", " + contentType.orElse("no Content-Type")
                    + ") is not " + expected + WHAT_TO_DO);
        }

        /** A list command's answer that is neither an array nor an object with a {@code results} array. */
        static NotTheServicesAnswer notAList() {
            return new NotTheServicesAnswer("the answer is not a list (neither an array nor an object with a results "
                    + "array)" + WHAT_TO_DO);
        }
    }

    /** The answer could not be written whole where it was sent. */
    static final class OutputFailed extends RuntimeException {
        OutputFailed() {
            super("the output could not be written whole (a full disk or a closed pipe?): it is cut short");
        }
    }

    /** The service began a successful answer and broke it off: the part already written is incomplete. */
    static final class AnswerCutShort extends RuntimeException {
        /** The X-Operation-Id the answer's headers carried, when they did: the change accepted has it. */
        final Optional<String> operationId;

        AnswerCutShort(IOException cause) {
            super("the service broke off its answer before the end (" + said(cause)
                    + "): the output written is incomplete; run the command again", cause);
            this.operationId = Optional.empty();
        }

        /** A whole answer read before printing it: its 2xx came, its body did not. A change's was accepted. */
        AnswerCutShort(int status, boolean change, Optional<String> operationId, IOException cause) {
            super("the service answered HTTP " + status + ", then broke off its answer before the end (" + said(cause)
                    + ")" + (change ? ": the change was accepted; look (vpsr operations list) before running it again"
                    : ": run the command again"), cause);
            this.operationId = operationId;
        }

        private static String said(IOException cause) {
            return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        }
    }

    /**
     * The service's export stopped at an audit event changed outside the platform (its last line says which) and broke
     * its answer off: the output is incomplete, and the chain is broken.
     */
    static final class AlteredEventInExport extends RuntimeException {
        AlteredEventInExport(String detail) {
            super(detail.endsWith("; this export is incomplete") ? detail
                    : detail + "; this export is incomplete");
        }
    }

    /**
     * A change (POST, PUT, DELETE) was sent, then no answer came (timed out, the connection closed): the service may
     * have made it. Exit 8, as a 504 OUTCOME_UNKNOWN: look before running it again, or, when it was sent with an
     * Idempotency-Key, rerun with the same key (a command without the option, such as operations approve, is not told
     * to use it).
     */
    static final class ChangeInDoubt extends RuntimeException {
        ChangeInDoubt(String method, URI url, IOException cause, boolean sentWithKey) {
            super("the " + method + " was sent to " + url + ", then no answer came (" + (cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()) + "): " + lookBeforeRunningAgain(sentWithKey),
                    cause);
        }
    }

    /** The service did not answer. */
    static final class Unreachable extends RuntimeException {
        /** What vpsr's user can do about it, when the command knows why its answer may not have come. */
        final Optional<String> hint;

        Unreachable(URI url, Exception cause) {
            this("cannot reach " + url + ": " + (cause.getMessage() == null ? cause.getClass().getSimpleName()
                    : cause.getMessage()), cause, Optional.empty());
        }

        private Unreachable(String message, Throwable cause, Optional<String> hint) {
            super(message, cause);
            this.hint = hint;
        }

        Unreachable withHint(String hint) {
            return new Unreachable(getMessage(), getCause(), Optional.of(hint));
        }

        /** The request was sent, then no answer came: timed out, or the connection closed under it. */
        boolean afterConnecting() {
            return getCause() instanceof IOException
                    && !(getCause() instanceof java.net.ConnectException)
                    && !(getCause() instanceof java.net.http.HttpConnectTimeoutException)
                    && !(getCause() instanceof java.net.UnknownHostException)
                    // TLS failed, which is before any request went out: no request byte is sent before the handshake
                    // completes, and the JDK's client raises a failure the engine finds while handshaking as a plain
                    // SSLException (an https:// URL at a plain HTTP port: "Unrecognized SSL message"), not always as
                    // an SSLHandshakeException (an untrusted certificate). It does not say whether the handshake had
                    // completed; a fatal TLS alert after it, once the request went out, is taken for this too (rare).
                    && !(getCause() instanceof javax.net.ssl.SSLException);
        }
    }
}
