package org.vpsrecovery.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Follows an operation to its end through the facade's long poll ({@code GET /operations/{id}/?wait=}).
 * On a terminal one progress line is rewritten in place (carriage return); otherwise a plain line is
 * printed each time the state changes, so logs stay readable. Progress goes to stderr: stdout keeps
 * only the command's answer, for pipes. A read that fails on the way (429, 503, the service out of reach, a proxy's
 * bare 502 or 504) is read again after its Retry-After: the change it follows was accepted, and only a read is ever
 * repeated.
 */
final class OperationWatch {

    /** How long one read waits at most for the end: the line's clock moves on at least this often. */
    private static final int WAIT_SECONDS = 2;
    /**
     * The bounds of a pause before a failed read is tried again, whatever its Retry-After: 0 would read in a loop, and a
     * day (or 86400 s of a misconfigured proxy) would leave the wait silent that long.
     */
    static final Duration SHORTEST_PAUSE = Duration.ofSeconds(1);
    static final Duration LONGEST_PAUSE = Duration.ofSeconds(60);
    /** How much longer than the time left one read may take: its answer is not cut off before the limit. */
    private static final Duration REQUEST_MARGIN = Duration.ofSeconds(1);
    private static final Set<String> FAILED = Set.of("failed", "vanished", "timed_out", "denied", "expired", "rejected");
    /** The ends in which what was asked took effect: exit 0. Any other final state is one this vpsr does not know. */
    private static final Set<String> SUCCEEDED = Set.of("completed", "released");
    /**
     * How often a pending change is read: a person decides in minutes, and every read counts against the team's rate
     * (600 a minute by default, often set lower per team), which one read a second would spend a tenth of.
     */
    static final Duration CHANGE_READ_INTERVAL = Duration.ofSeconds(10);

    /** Where a change of the platform's own records waiting for a second person is read (ADR 0043); it has no long poll. */
    static final String CHANGES = "/api/v1/changes/";
    static final String OPERATIONS = "/api/v1/operations/";

    private final FacadeClient facade;
    private final PrintWriter progress;
    private final boolean terminal;
    private final String base;

    OperationWatch(FacadeClient facade, PrintWriter progress, boolean terminal) {
        this(facade, progress, terminal, OPERATIONS);
    }

    /** Follows what {@code base} + id reads: an operation, or a pending change ({@link #CHANGES}). */
    OperationWatch(FacadeClient facade, PrintWriter progress, boolean terminal, String base) {
        this.facade = facade;
        this.progress = progress;
        this.terminal = terminal;
        this.base = base;
    }

    /**
     * The operation as it ended; empty when {@code limit} passed first (measured on this machine's clock). Each state
     * read of it, the last one too, is handed to {@code eachRead}.
     */
    Optional<JsonNode> follow(String operationId, Optional<Duration> limit, Consumer<JsonNode> eachRead) {
        Instant start = Instant.now();
        Optional<Instant> giveUpAt = limit.map(start::plus);
        String lastState = null;
        int lastWidth = 0;
        while (true) {
            Instant now = Instant.now();
            if (giveUpAt.isPresent() && !now.isBefore(giveUpAt.get())) {
                if (terminal && lastWidth > 0) {
                    progress.println();
                    progress.flush();
                }
                return Optional.empty();
            }
            // Each long poll ends by the limit (whole seconds, at least one), so the limit is not overrun by much.
            int waitSeconds = giveUpAt.map(at -> (int) Math.max(1, Math.min(WAIT_SECONDS,
                    Duration.between(now, at).toSeconds()))).orElse(WAIT_SECONDS);
            // And so does the request: a service that never answers is given up on by the limit, not 90 s later.
            Duration requestTimeout = giveUpAt.map(at -> Duration.between(now, at).plus(REQUEST_MARGIN))
                    .filter(left -> left.compareTo(FacadeClient.REQUEST_TIMEOUT) < 0)
                    .orElse(FacadeClient.REQUEST_TIMEOUT);
            JsonNode operation;
            try {
                operation = read(operationId, waitSeconds, requestTimeout);
            } catch (FacadeClient.FacadeProblem | FacadeClient.Unreachable failed) {
                // The change was accepted: a read that failed says nothing about it. Only the read is tried again.
                Optional<Duration> readAgainAfter = readAgainAfter(failed);
                if (readAgainAfter.isEmpty() || Thread.currentThread().isInterrupted()) {
                    throw failed;
                }
                Duration pause = readAgainAfter.get();
                if (terminal && lastWidth > 0) {
                    progress.println();
                    lastWidth = 0;
                }
                progress.println("vpsr: reading " + operationId + ": " + said(failed) + "; reading again in "
                        + pause.toSeconds() + " s");
                progress.flush();
                pause(giveUpAt.map(at -> Duration.between(Instant.now(), at))
                        .filter(left -> left.compareTo(pause) < 0).orElse(pause));
                continue;
            }
            eachRead.accept(operation);
            String state = operation.path("state").asText();
            boolean done = operation.path("final").asBoolean(false);
            long seconds = Duration.between(start, Instant.now()).toSeconds();
            String line = describe(operation) + ": " + state + (done ? "" : " (" + seconds + " s)");
            if (terminal) {
                progress.print("\r" + line + " ".repeat(Math.max(0, lastWidth - line.length())));
                lastWidth = line.length();
                if (done) {
                    progress.println();
                }
                progress.flush();
            } else if (!state.equals(lastState)) {
                progress.println(line);
                progress.flush();
            }
            lastState = state;
            if (done) {
                return Optional.of(operation);
            }
            if (!base.equals(OPERATIONS)) {
                // No long poll for a change: a pause before the next read, never past the limit.
                pause(giveUpAt.map(at -> Duration.between(Instant.now(), at))
                        .filter(left -> left.compareTo(CHANGE_READ_INTERVAL) < 0).orElse(CHANGE_READ_INTERVAL));
            }
        }
    }

    /**
     * How long to pause before reading again after a read that {@code failed}: its Retry-After when rate-limited or
     * unavailable (429, 503: the team's rate spent, the instance draining, the platform's store away), else
     * {@link #WAIT_SECONDS}, kept within {@link #SHORTEST_PAUSE} and {@link #LONGEST_PAUSE} (and, by follow, within the
     * time --timeout leaves); as long when the service was out of reach, or when a proxy before it answered 502 or 504
     * without a problem+json reason (the service restarting behind nginx: a read failed, not the change). Empty for
     * any other refusal (404, 401, the service's own 502 or 504, ...): reading again would not change it, the wait
     * ends.
     */
    static Optional<Duration> readAgainAfter(RuntimeException failed) {
        Duration fallback = Duration.ofSeconds(WAIT_SECONDS);
        if (failed instanceof FacadeClient.FacadeProblem problem) {
            if (problem.status == 429 || problem.status == 503) {
                Duration retryAfter = problem.retryAfter.flatMap(OperationWatch::seconds).orElse(fallback);
                return Optional.of(retryAfter.compareTo(SHORTEST_PAUSE) < 0 ? SHORTEST_PAUSE
                        : retryAfter.compareTo(LONGEST_PAUSE) > 0 ? LONGEST_PAUSE : retryAfter);
            }
            boolean proxyGaveUp = (problem.status == 502 || problem.status == 504) && problem.reasonCode.isEmpty();
            return proxyGaveUp ? Optional.of(fallback) : Optional.empty();
        }
        return Optional.of(fallback);
    }

    /** Retry-After in seconds, the form the facade sends; anything else is not trusted. */
    private static Optional<Duration> seconds(String retryAfter) {
        try {
            long seconds = Long.parseLong(retryAfter.strip());
            return seconds >= 0 ? Optional.of(Duration.ofSeconds(seconds)) : Optional.empty();
        } catch (NumberFormatException notSeconds) {
            return Optional.empty();
        }
    }

    private static String said(RuntimeException failed) {
        return failed instanceof FacadeClient.FacadeProblem problem
                ? problem.reasonCode.orElse("HTTP_" + problem.status) + " (" + problem.status + ")"
                : failed.getMessage();
    }

    /**
     * A long poll; when the instance already holds as many as it allows (503 TOO_MANY_WAITING_REQUESTS),
     * a plain read after as long a pause instead: the wait goes on, only less promptly.
     */
    private JsonNode read(String operationId, int waitSeconds, Duration requestTimeout) {
        String path = base + operationId + "/";
        if (!base.equals(OPERATIONS)) {
            // A plain read: the pause before the next is follow's.
            return facade.get(path, Map.of(), requestTimeout).body();
        }
        try {
            return facade.get(path, Map.of("wait", String.valueOf(waitSeconds)), requestTimeout).body();
        } catch (FacadeClient.FacadeProblem busy) {
            if (!busy.reasonCode.filter("TOO_MANY_WAITING_REQUESTS"::equals).isPresent()) {
                throw busy;
            }
            try {
                Thread.sleep(Duration.ofSeconds(waitSeconds));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw busy;
            }
            return facade.get(path, Map.of(), requestTimeout).body();
        }
    }

    private static void pause(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static boolean failed(JsonNode operation) {
        return FAILED.contains(operation.path("state").asText());
    }

    /** Whether a final state is one of those in which what was asked took effect. */
    static boolean succeeded(JsonNode operation) {
        return SUCCEEDED.contains(operation.path("state").asText());
    }

    private static String describe(JsonNode operation) {
        String what = operation.path("operation").asText(operation.path("change").asText("operation"));
        JsonNode resource = operation.path("resource");
        String on = resource.isObject() ? resource.path("type").asText() + " " + resource.path("id").asText()
                : operation.hasNonNull("policy_id") ? "policy " + operation.path("policy_id").asText()
                : "server " + operation.path("server_id").asText();
        return what + " " + on + " [" + operation.path("id").asText() + "]";
    }
}
