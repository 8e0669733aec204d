import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Creates a snapshot and deletes it, again and again, on one connection at a fixed rate, and prints
 * the create and delete latencies. wrk2 (constant-rate pacing) is not packaged by Debian and wrk
 * alone cannot tell the two requests apart, hence this small driver, run as a source file
 * ({@code java benchmarks/PacedCycle.java}).
 * <p>
 * Paced like wrk2: request {@code i} is due at {@code start + i / rate}; its latency is measured from
 * that due time, so a slow answer that delays the next requests counts against them too (no
 * coordinated omission). The service time alone (send to answer) is printed beside it. The run
 * stops at its end time: a target slower than the rate is sent fewer requests ("sent" against
 * "scheduled").
 * <p>
 * Usage: {@code java PacedCycle.java BASE_URL TOKEN SERVER_ID RATE_PER_S SECONDS [WARMUP_SECONDS]};
 * prints one line per kind: {@code create|delete n=… errors=… p50=…ms p99=…ms service_p50=…ms service_p99=…ms}.
 * <p>
 * With {@code PACED_CYCLE_SAMPLES=FILE} in the environment it also writes every measured request there, one line
 * each ({@code kind sent_epoch_us service_us from_due_us}), so that a slow one can be set beside the service's GC log,
 * JFR recording and PostgreSQL log by its wall-clock time (ADR 0132).
 */
public final class PacedCycle {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"?(\\d+)");

    public static void main(String[] args) throws Exception {
        if (args.length < 5) {
            System.err.println("usage: java PacedCycle.java BASE_URL TOKEN SERVER_ID RATE_PER_S SECONDS [WARMUP_SECONDS]");
            System.exit(2);
        }
        URI base = URI.create(args[0].endsWith("/") ? args[0] : args[0] + "/");
        String token = args[1];
        long serverId = Long.parseLong(args[2]);
        double rate = Double.parseDouble(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int warmup = args.length > 5 ? Integer.parseInt(args[5]) : 5;
        // One client, one request at a time: the JDK keeps and reuses a single HTTP/1.1 connection.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Run warm = run(client, base, token, serverId, rate, warmup);
        Run measured = run(client, base, token, serverId, rate, seconds);
        String samplesFile = System.getenv("PACED_CYCLE_SAMPLES");
        if (samplesFile != null && !samplesFile.isBlank()) {
            measured.create.write("create", Path.of(samplesFile));
            measured.delete.write("delete", Path.of(samplesFile));
        }
        if (measured.create.isEmpty()) {
            System.out.println("no successful create: " + (measured.lastError.isEmpty() ? warm.lastError : measured.lastError));
        }
        System.out.printf("scheduled=%.0f sent=%d%n", measured.scheduled, measured.create.size() + measured.delete.size()
                + measured.errors);
        measured.create.print("create", measured.createErrors, rate / 2);
        measured.delete.print("delete", measured.deleteErrors, rate / 2);
        if (measured.errors > 0) {
            System.out.println("last error: " + measured.lastError
                    + (measured.lastDeleteError.isEmpty() ? "" : "; last delete error: " + measured.lastDeleteError));
        }
    }

    private static Run run(HttpClient client, URI base, String token, long serverId, double rate, int seconds)
            throws InterruptedException {
        Run result = new Run();
        long intervalNanos = (long) (1_000_000_000L / rate);
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        String pendingDelete = null;
        for (long i = 0; ; i++) {
            long due = start + i * intervalNanos;
            if (due >= end || System.nanoTime() >= end) {
                // The run is bounded in time: a target slower than the rate gets fewer requests (see "sent").
                break;
            }
            result.scheduled = seconds * rate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean create = pendingDelete == null;
            HttpRequest request = create
                    ? HttpRequest.newBuilder(base.resolve("api/v1/snapshots/"))
                        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"server_id\": " + serverId + ", \"name\": \"bench-cycle-" + i + "\"}"))
                        .timeout(Duration.ofSeconds(30)).build()
                    : HttpRequest.newBuilder(base.resolve("api/v1/snapshots/" + pendingDelete + "/"))
                        .header("Authorization", "Bearer " + token).DELETE()
                        .timeout(Duration.ofSeconds(30)).build();
            long sent = System.nanoTime();
            int status;
            String body;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                body = response.body();
            } catch (java.io.IOException e) {
                status = -1;
                body = e.toString();
            }
            long done = System.nanoTime();
            if (create) {
                Matcher id = ID.matcher(body);
                if (status == 201 && id.find()) {
                    result.create.add(done - due, done - sent, sent);
                    pendingDelete = id.group(1);
                } else {
                    result.createErrors++;
                    result.errors++;
                    result.lastError = "create " + status + " " + abbreviate(body);
                }
            } else {
                if (status == 204) {
                    result.delete.add(done - due, done - sent, sent);
                } else {
                    result.deleteErrors++;
                    result.errors++;
                    result.lastError = "delete " + status + " " + abbreviate(body);
                    result.lastDeleteError = result.lastError;
                }
                pendingDelete = null;
            }
        }
        if (pendingDelete != null) {
            // The run ended between a create and its delete: leave the server as it was (not timed).
            try {
                client.send(HttpRequest.newBuilder(base.resolve("api/v1/snapshots/" + pendingDelete + "/"))
                        .header("Authorization", "Bearer " + token).DELETE().timeout(Duration.ofSeconds(30)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (java.io.IOException e) {
                result.lastError = "clean-up delete of " + pendingDelete + ": " + e;
            }
        }
        return result;
    }

    private static String abbreviate(String body) {
        return body.length() > 300 ? body.substring(0, 300) + "…" : body;
    }

    private static final class Run {
        final Latencies create = new Latencies();
        final Latencies delete = new Latencies();
        int createErrors;
        int deleteErrors;
        int errors;
        double scheduled;
        String lastError = "";
        String lastDeleteError = "";
    }

    private static final class Latencies {
        /** The wall clock's microseconds at nanoTime 0: a send's nanoTime becomes a time the logs can be read at. */
        private static final long EPOCH_US_AT_NANO_ZERO = epochMicrosAtNanoZero();

        private final List<long[]> samples = new ArrayList<>();

        void add(long fromDue, long service, long sentNanos) {
            samples.add(new long[] {fromDue, service, sentNanos});
        }

        void write(String kind, Path file) throws java.io.IOException {
            StringBuilder lines = new StringBuilder();
            for (long[] s : samples) {
                lines.append(kind).append(' ').append(EPOCH_US_AT_NANO_ZERO + s[2] / 1000).append(' ')
                        .append(s[1] / 1000).append(' ').append(s[0] / 1000).append('\n');
            }
            Files.writeString(file, lines, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }

        private static long epochMicrosAtNanoZero() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000 - System.nanoTime() / 1000;
        }

        int size() {
            return samples.size();
        }

        boolean isEmpty() {
            return samples.isEmpty();
        }

        void print(String kind, int errors, double rate) {
            long[] fromDue = samples.stream().mapToLong(s -> s[0]).sorted().toArray();
            long[] service = samples.stream().mapToLong(s -> s[1]).sorted().toArray();
            System.out.printf("%s n=%d errors=%d rate=%.0f/s p50=%.2fms p99=%.2fms service_p50=%.2fms service_p99=%.2fms%n",
                    kind, fromDue.length, errors, rate, ms(fromDue, 0.50), ms(fromDue, 0.99), ms(service, 0.50),
                    ms(service, 0.99));
        }

        private static double ms(long[] sorted, double quantile) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1);
            return sorted[Math.max(0, index)] / 1_000_000.0;
        }
    }

    private PacedCycle() {
    }
}
