package org.vpsrecovery.bootstrap.benchmark;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import javax.sql.DataSource;
import org.vpsrecovery.adapters.persistence.testing.TestFlyway;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.ds.PGSimpleDataSource;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.domain.audit.AuditChain;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditEventFilter;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.ChainVerification;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.common.TimeOrderedUuid;
import org.vpsrecovery.domain.operation.OperationId;
import org.vpsrecovery.domain.port.AuditCountDeltas;
import org.vpsrecovery.domain.port.AuditEventStream;
import org.vpsrecovery.domain.port.AuditHistory;
import org.vpsrecovery.domain.port.AuditReports;
import org.vpsrecovery.domain.report.AuditEventPage;
import org.vpsrecovery.domain.report.SummaryBucket;
import org.vpsrecovery.domain.report.SummaryQuery;
import org.vpsrecovery.domain.server.ServerId;

/**
 * Loads a large audit history into a real PostgreSQL and times the audit reports over it. Not a
 * test: its name matches none of surefire's patterns and it skips unless
 * {@code -Dvpsr.bench.events=N} is given, so {@code ./mvnw verify} never runs it. Run it with
 * {@code benchmarks/audit-reports.sh}. It asserts nothing about time.
 *
 * <p>The history is a realistic mix (50 teams x 40 servers, a year of attempts: intents with their
 * outcomes, rejections with their reasons), chained with valid hashes exactly as the application
 * writes them ({@link AuditChain}), and loaded with COPY. The report indexes are dropped for the
 * load and rebuilt from their own definitions afterwards (the usual bulk-load practice), then the
 * table is vacuumed and analysed, as autovacuum would do on its own after such an insert.
 *
 * <p>Ids as the service draws them (since session 34, {@code -Dvpsr.bench.ids=service}, the default): every
 * request id a UUID ({@link RequestId#random()}), every intent and final outcome naming its attempt by a UUID
 * ({@link OperationId#random()}); the loaded history's are version 7 UUIDs of their events' times, the appended events'
 * the service's own draw. {@code random} loads version 4 UUIDs instead (a history written before ADR 0137, whose index
 * entries lie at random places); the appends still draw as the service does. {@code sequential} gives the names of the
 * figures before session 34 ({@code bench-N}, {@code append-C-N}, no attempt ids in the load). The server runs
 * {@code full_page_writes} as the service's own does ({@code on}, {@code -Dvpsr.bench.full-page-writes}; {@code off}
 * before session 34).
 */
class AuditReportsBenchmark {

    private static final int TEAMS = 50;
    private static final int SERVERS_PER_TEAM = 40;
    private static final int COPY_CHUNK = 500_000;
    private static final int RUNS = 20;
    /** The ids: as the service draws them ("service"), the load's as version 4 ("random"), or "sequential" names. */
    private static final String IDS = System.getProperty("vpsr.bench.ids", "service");
    private static final boolean SERVICE_IDS = !"sequential".equals(IDS);
    private static final boolean RANDOM_LOADED_IDS = "random".equals(IDS);
    private static final long REQUEST_SALT = 0x5eed_0001L;
    private static final long ATTEMPT_SALT = 0x5eed_0002L;

    private record Measurement(String what, long rows, List<Duration> times, String indexes) {
    }

    @Test
    void loadTenMillionEventsAndTimeTheReports() throws Exception {
        String events = System.getProperty("vpsr.bench.events");
        assumeTrue(events != null && !events.isBlank(), "a benchmark: run benchmarks/audit-reports.sh");
        long count = Long.parseLong(events.replace("_", ""));
        Path output = Path.of(System.getProperty("vpsr.bench.output", "target/audit-reports-benchmark.md"));

        EmbeddedPostgres embedded = null;
        String url = System.getenv("VPSR_BENCH_DB_URL");
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        if (url == null || url.isBlank()) {
            // The timed appends commit as the service's own server does (EmbeddedDefaults): each waits for the WAL's
            // flush. Durability off (an option) only speeds the load, and then no append waits for the disk (the
            // figures before ADR 0102). The command line's settings win over ALTER SYSTEM: one choice for the run.
            boolean durable = durableAppends();
            embedded = EmbeddedPostgres.builder()
                    .setServerConfig("fsync", durable ? "on" : "off")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off")
                    .setServerConfig("track_wal_io_timing", "on")
                    .setServerConfig("full_page_writes", System.getProperty("vpsr.bench.full-page-writes", "on"))
                    .setServerConfig("shared_buffers", "1GB")
                    .setServerConfig("work_mem", "64MB")
                    .setServerConfig("maintenance_work_mem", "1GB")
                    .setServerConfig("max_wal_size", "8GB")
                    .setServerConfig("checkpoint_timeout", "30min")
                    // Statements and calls per append transaction: counts the machine's load does not change.
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    .start();
            dataSource.setURL("jdbc:postgresql://127.0.0.1:" + embedded.getPort() + "/postgres");
            dataSource.setUser("postgres");
        } else {
            dataSource.setURL(url);
            dataSource.setUser(System.getenv().getOrDefault("VPSR_BENCH_DB_USER", "postgres"));
            dataSource.setPassword(System.getenv().getOrDefault("VPSR_BENCH_DB_PASSWORD", ""));
        }
        try {
            TestFlyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
            StringBuilder report = new StringBuilder();
            long existing = scalar(dataSource, "SELECT count(*) FROM audit_event");
            report.append(String.format(Locale.ROOT, "ids: %s%n", !SERVICE_IDS
                    ? "sequential names (bench-N, append-C-N; no attempt ids in the load)"
                    : (RANDOM_LOADED_IDS ? "the load's version 4 UUIDs (a history from before ADR 0137)"
                    : "the load's version 7 UUIDs of their events' times") + "; attempt ids on intents and final"
                    + " outcomes; the appends' drawn as the service draws them"));
            if (existing == 0) {
                Duration load = load(dataSource, count, report);
                report.append(String.format(Locale.ROOT, "load: %,d events in %s%n", count, seconds(load)));
            } else {
                report.append(String.format(Locale.ROOT, "reusing %,d events already loaded%n", existing));
                count = existing;
            }
            if (!Boolean.getBoolean("vpsr.bench.skip-reports")) {
                report.append(table(measure(dataSource, count), count));
            }
            if (!Boolean.getBoolean("vpsr.bench.skip-appends")) {
                boolean outcomes = Boolean.getBoolean("vpsr.bench.append-outcomes");
                if (durableAppends()) {
                    report.append(durableFromNowOn(dataSource));
                }
                // One part a count of instances, "1,2" unless the run names others (a profile of one part alone).
                for (String instances : System.getProperty("vpsr.bench.append-instances", "1,2").split(",")) {
                    report.append(appends(dataSource, Integer.parseInt(instances.strip()), outcomes));
                }
            }
            System.out.println(report);
            Files.createDirectories(output.toAbsolutePath().getParent());
            Files.writeString(output, report.toString(), StandardCharsets.UTF_8);
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }

    // ---------------------------------------------------------------- loading

    private static Duration load(DataSource dataSource, long count, StringBuilder report) throws SQLException, IOException {
        long started = System.nanoTime();
        Map<String, String> indexes = new LinkedHashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rs = statement.executeQuery("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = "
                    + "'audit_event' AND indexname <> 'audit_event_pkey' ORDER BY indexname")) {
                while (rs.next()) {
                    indexes.put(rs.getString(1), rs.getString(2));
                }
            }
            for (String index : indexes.keySet()) {
                statement.execute("DROP INDEX " + index);
            }
        }
        Random random = new Random(7);
        Instant start = Instant.now().minus(Duration.ofDays(365)).truncatedTo(ChronoUnit.SECONDS);
        long stepMicros = Duration.ofDays(365).toNanos() / 1000 / count;
        ChainHash previous = ChainHash.GENESIS;
        long sequence = 0;
        long copied = 0;
        try (Connection connection = dataSource.getConnection()) {
            PGConnection pg = connection.unwrap(PGConnection.class);
            String copy = "COPY audit_event (sequence, occurred_at, team, request_id, operation, server_id, resource_type, "
                    + "resource_id, outcome_kind, outcome_reason, outcome_cause, provider_status, detail, previous_hash, hash) "
                    + "FROM STDIN";
            while (sequence < count) {
                CopyIn in = pg.getCopyAPI().copyIn(copy);
                StringBuilder rows = new StringBuilder(1 << 20);
                long chunkEnd = Math.min(count, sequence + COPY_CHUNK);
                while (sequence < chunkEnd) {
                    for (AuditEvent event : attempt(random, start.plus(sequence * stepMicros, ChronoUnit.MICROS),
                            sequence, chunkEnd - sequence)) {
                        sequence++;
                        ChainHash hash = AuditChain.link(previous, sequence, event);
                        row(rows, sequence, event, previous, hash);
                        previous = hash;
                    }
                    if (rows.length() > (1 << 20)) {
                        byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                        in.writeToCopy(bytes, 0, bytes.length);
                        rows.setLength(0);
                    }
                }
                byte[] bytes = rows.toString().getBytes(StandardCharsets.UTF_8);
                in.writeToCopy(bytes, 0, bytes.length);
                copied += in.endCopy();
                System.out.printf(Locale.ROOT, "copied %,d events (%s)%n", copied, seconds(elapsed(started)));
            }
            try (PreparedStatement head = connection.prepareStatement(
                    "UPDATE audit_chain_head SET last_sequence = ?, last_hash = decode(?, 'hex') WHERE id = 1")) {
                head.setLong(1, sequence);
                head.setString(2, previous.hex());
                head.executeUpdate();
            }
        }
        Duration copyTime = elapsed(started);
        long indexStarted = System.nanoTime();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("SET maintenance_work_mem = '1GB'");
            for (String definition : indexes.values()) {
                statement.execute(definition);
            }
            statement.execute("VACUUM (ANALYZE) audit_event");
            // The COPYs' count deltas (V52, ADR 0119) moved into the counts before these are analysed, as the job would.
            statement.execute("SELECT audit_count_fold()");
            statement.execute("VACUUM (ANALYZE) audit_monthly_count");
            statement.execute("VACUUM (ANALYZE) audit_daily_group_count");
            statement.execute("VACUUM (ANALYZE) audit_daily_reason_count");
        }
        report.append(String.format(Locale.ROOT, "COPY with chain hashes: %s; rebuilding %d indexes + VACUUM ANALYZE: %s; "
                + "table + indexes: %s%n", seconds(copyTime), indexes.size(), seconds(elapsed(indexStarted)),
                text(dataSource, "SELECT pg_size_pretty(pg_total_relation_size('audit_event'))")));
        return elapsed(started);
    }

    private static final Operation[] OPERATIONS = {
            Operation.CREATE_SNAPSHOT, Operation.CREATE_SNAPSHOT, Operation.CREATE_SNAPSHOT, Operation.CREATE_SNAPSHOT,
            Operation.CREATE_MANUAL_BACKUP, Operation.CREATE_MANUAL_BACKUP, Operation.DELETE_SNAPSHOT,
            Operation.DELETE_SNAPSHOT, Operation.DELETE_BACKUP, Operation.RESTORE_SNAPSHOT,
            Operation.RESTORE_SERVER_FROM_BACKUP};
    private static final ReasonCode[] REJECTIONS = {
            ReasonCode.SNAPSHOT_LIMIT_REACHED, ReasonCode.SNAPSHOT_LIMIT_REACHED, ReasonCode.SNAPSHOT_LIMIT_REACHED,
            ReasonCode.MANUAL_BACKUP_LIMIT_REACHED, ReasonCode.SERVER_RESTORING, ReasonCode.SERVER_BUSY,
            ReasonCode.SNAPSHOT_NOT_FOUND, ReasonCode.SNAPSHOT_IN_PROGRESS, ReasonCode.SERVER_NOT_FOUND};

    /** One attempt: a rejection (1 event), or an intent and its outcome (2 events, same request id). */
    private static List<AuditEvent> attempt(Random random, Instant at, long sequence, long room) {
        int team = random.nextInt(TEAMS);
        TeamId teamId = new TeamId(String.format(Locale.ROOT, "team-%02d", team));
        ServerId server = new ServerId(100_000L + team * SERVERS_PER_TEAM + random.nextInt(SERVERS_PER_TEAM));
        Operation operation = OPERATIONS[random.nextInt(OPERATIONS.length)];
        RequestId request = loadedRequest(sequence, at);
        Optional<ResourceRef> resource = operation == Operation.CREATE_MANUAL_BACKUP || operation == Operation.DELETE_BACKUP
                || operation == Operation.RESTORE_SERVER_FROM_BACKUP
                ? Optional.of(new ResourceRef(ResourceRef.Type.BACKUP, 1 + sequence))
                : Optional.of(new ResourceRef(ResourceRef.Type.SNAPSHOT, 1 + sequence));
        Map<String, String> named = operation == Operation.CREATE_SNAPSHOT
                ? Map.of("name", "snap-" + sequence) : Map.of();
        // Rarely an expired backup: a rare reason to filter on.
        if (room < 2 || random.nextInt(4) == 0) {
            ReasonCode reason = random.nextInt(400) == 0 ? ReasonCode.BACKUP_EXPIRED
                    : REJECTIONS[random.nextInt(REJECTIONS.length)];
            return List.of(new AuditEvent(at, teamId, request, operation, Optional.of(server), resource,
                    new Outcome.Rejected(reason), OptionalInt.empty(), named));
        }
        // The service names the attempt on its intent and outcome (not on a rejection): V47's and V48's indexes.
        Map<String, String> detail = named;
        if (SERVICE_IDS) {
            detail = new HashMap<>(named);
            detail.put(AuditEvent.ATTEMPT_ID, drawnUuid(sequence, ATTEMPT_SALT, at).toString());
        }
        Outcome outcome = random.nextInt(20) == 0
                ? new Outcome.Failed(random.nextBoolean() ? ReasonCode.PROVIDER_UNAVAILABLE : ReasonCode.PROVIDER_TIMEOUT,
                "VPS.org did not answer in time")
                : new Outcome.Completed();
        OptionalInt status = outcome instanceof Outcome.Completed ? OptionalInt.of(operation.name().startsWith("CREATE")
                ? 201 : operation.name().startsWith("DELETE") ? 204 : 200) : OptionalInt.empty();
        return List.of(
                new AuditEvent(at, teamId, request, operation, Optional.of(server), resource, new Outcome.Accepted(),
                        OptionalInt.empty(), detail),
                new AuditEvent(at.plus(1, ChronoUnit.MICROS), teamId, request, operation, Optional.of(server), resource,
                        outcome, status, detail));
    }

    /** The loaded attempt's request id: as the service draws them (a UUID) or sequential. */
    private static RequestId loadedRequest(long sequence, Instant at) {
        return SERVICE_IDS ? new RequestId(drawnUuid(sequence, REQUEST_SALT, at).toString()) : new RequestId("bench-" + sequence);
    }

    /**
     * A UUID of the loaded event: version 7 of its millisecond, as the service draws them, or version 4 for a history from
     * before ADR 0137 (drawn from the sequence, so the same in every run).
     */
    private static UUID drawnUuid(long sequence, long salt, Instant at) {
        if (!RANDOM_LOADED_IDS) {
            return TimeOrderedUuid.at(at.toEpochMilli());
        }
        SplittableRandom random = new SplittableRandom(sequence * 0x9E3779B97F4A7C15L ^ salt);
        long mostSignificant = (random.nextLong() & ~0xF000L) | 0x4000L;
        long leastSignificant = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48);
        return new UUID(mostSignificant, leastSignificant);
    }

    /** One row in COPY's text format, columns as in the COPY statement. */
    private static void row(StringBuilder out, long sequence, AuditEvent event, ChainHash previous, ChainHash hash) {
        Outcome outcome = event.outcome();
        out.append(sequence).append('\t')
                .append(AuditChain.storedInstant(event.occurredAt())).append('\t')
                .append(event.team().value()).append('\t')
                .append(event.requestId().value()).append('\t')
                .append(event.operation().name()).append('\t')
                .append(event.server().map(s -> Long.toString(s.value())).orElse("\\N")).append('\t')
                .append(event.resource().map(r -> r.type().name()).orElse("\\N")).append('\t')
                .append(event.resource().map(r -> Long.toString(r.id())).orElse("\\N")).append('\t')
                .append(outcome.kind().name()).append('\t')
                .append(outcome.reasonCode().map(Enum::name).orElse("\\N")).append('\t')
                .append(outcome instanceof Outcome.Failed failed ? failed.cause() : "\\N").append('\t')
                .append(event.providerStatus().isPresent() ? Integer.toString(event.providerStatus().getAsInt()) : "\\N")
                .append('\t')
                .append(json(event.detail())).append('\t')
                .append("\\\\x").append(previous.hex()).append('\t')
                .append("\\\\x").append(hash.hex()).append('\n');
    }

    /** The generator's detail values are plain ASCII words: no escaping needed. */
    private static String json(Map<String, String> detail) {
        return new TreeMap<>(detail).entrySet().stream().map(e -> "\"" + e.getKey() + "\": \"" + e.getValue() + "\"")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    // ---------------------------------------------------------------- measuring

    /**
     * The reports and the history as the service wires them (Micronaut Data repositories): the whole
     * context on the loaded database, with one team and a provider address nothing is sent to.
     */
    private static ApplicationContext service(PGSimpleDataSource dataSource) throws IOException {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("datasources.default.url", dataSource.getURL());
        properties.put("datasources.default.username", dataSource.getUser());
        properties.put("datasources.default.password", Objects.toString(dataSource.getPassword(), ""));
        properties.put("vpsorg.base-url", "http://127.0.0.1:9");
        properties.put("vpsorg.api-token", "benchmark-token-never-sent");
        properties.put("vpsr.teams.bench.token-sha256", "0".repeat(64));
        properties.put("vpsr.teams.bench.servers", "1");
        properties.put("vpsr.data-directory", Files.createTempDirectory("vpsr-bench-").toString());
        properties.put("vpsr.audit.checkpoint-every", "1h");
        properties.put("vpsr.auditors.bench.token-sha256", HashedTeamTokens.sha256Hex(AUDITOR_TOKEN));
        properties.put("micronaut.server.port", -1);
        properties.put("micronaut.server.host", "127.0.0.1");
        return ApplicationContext.run(properties);
    }

    private static final String AUDITOR_TOKEN = "benchmark-auditor-token";

    private static List<Measurement> measure(PGSimpleDataSource dataSource, long count) throws Exception {
        try (ApplicationContext service = service(dataSource)) {
            List<Measurement> results = measure(dataSource, service.getBean(AuditReports.class),
                    service.getBean(AuditHistory.class), count);
            if (Boolean.getBoolean("vpsr.bench.pages-only")) {
                return results;
            }
            EmbeddedServer server = service.getBean(EmbeddedServer.class).start();
            try (HttpClient client = HttpClient.newHttpClient()) {
                results.addAll(overHttp(dataSource, client, server.getURI()));
            } finally {
                server.stop();
            }
            return results;
        }
    }

    /**
     * The by-day summaries as a client gets them: GET /api/v1/audit/summary/ with an auditor's token, the
     * whole JSON body read (its size in the "rows" column, in bytes). Each also appends its AUDIT_READ event.
     */
    private static List<Measurement> overHttp(DataSource dataSource, HttpClient client, URI base) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        List<Measurement> results = new ArrayList<>();
        // The default without a team is the sum over the teams (ADR 0078); per_team=true each team's, by day at
        // most 7 days and by month 366 (longer is refused, 400 SUMMARY_TOO_LARGE; 184 before ADR 0138).
        for (String shape : new String[] {"30 days by day", "366 days by day", "366 days by month",
                "7 days by day, per_team=true", "184 days by month, per_team=true", "366 days by month, per_team=true"}) {
            int days = Integer.parseInt(shape.substring(0, shape.indexOf(' ')));
            URI uri = base.resolve("/api/v1/audit/summary/?bucket=" + (shape.contains("month") ? "month" : "day")
                    + "&from=" + now.minus(Duration.ofDays(days)) + "&to=" + now
                    + (shape.contains("per_team") ? "&per_team=true" : ""));
            HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + AUDITOR_TOKEN)
                    .header("Accept", "application/json").build();
            results.add(time(dataSource, "HTTP: all teams, " + shape + " (JSON bytes)", RUNS,
                    () -> {
                        try {
                            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
                            if (response.statusCode() != 200) {
                                throw new IllegalStateException("summary answered " + response.statusCode());
                            }
                            return response.body().length;
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IllegalStateException(e);
                        }
                    }));
        }
        return results;
    }

    private static final int APPEND_CLIENTS = 8;
    private static final int APPENDS = 24_000;

    /**
     * Appends through the service's audit history (group commit, the chain, the daily counts' trigger,
     * every index) from 8 clients spread over {@code instances} service instances on the loaded table.
     */
    private static String appends(PGSimpleDataSource dataSource, int instances, boolean outcomes) throws Exception {
        List<ApplicationContext> services = new ArrayList<>();
        ExecutorService clients = Executors.newFixedThreadPool(APPEND_CLIENTS);
        ScheduledExecutorService folding = Executors.newSingleThreadScheduledExecutor();
        try {
            for (int i = 0; i < instances; i++) {
                services.add(service(dataSource));
            }
            Instant at = Instant.now();
            // The service's fold-audit-counts job (ADR 0119), once a second on one instance as db-scheduler runs it:
            // no HTTP server starts here, so ClusterJobs does not; its cost is in the figures below.
            AuditCountDeltas deltas = services.getFirst().getBean(AuditCountDeltas.class);
            AtomicLong folds = new AtomicLong();
            AtomicLong folded = new AtomicLong();
            folding.scheduleWithFixedDelay(() -> {
                folded.addAndGet(deltas.fold());
                folds.incrementAndGet();
            }, 1, 1, TimeUnit.SECONDS);
            // Warm-up: connections open, statements prepared (and some of the writer's code compiled: the JIT's CPU
            // in the timed part is reported apart below).
            runAppends(services, clients, Integer.getInteger("vpsr.bench.append-warm-up", 800), at, outcomes);
            if (durableAppends()) {
                // Each part timed from a checkpoint, as a service's appends run between its checkpoints: every page
                // an append is first to change after one is written whole to the WAL (full_page_writes, ADR 0137).
                try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
                    statement.execute("CHECKPOINT");
                }
            }
            boolean statements = resetStatementCounts(dataSource);
            long walRecordsBefore = scalar(dataSource, "SELECT wal_records FROM pg_stat_wal");
            long walBytesBefore = scalar(dataSource, "SELECT wal_bytes::bigint FROM pg_stat_wal");
            long walPagesBefore = scalar(dataSource, "SELECT wal_fpi FROM pg_stat_wal");
            long walSyncsBefore = scalar(dataSource, "SELECT wal_sync FROM pg_stat_wal");
            long walSyncMicrosBefore = scalar(dataSource, "SELECT (wal_sync_time * 1000)::bigint FROM pg_stat_wal");
            long commitsBefore = scalar(dataSource,
                    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()");
            long postmaster = postmaster(dataSource);
            long serviceTicksBefore = cpuTicks(ProcessHandle.current().pid());
            long compilerTicksBefore = compilerTicks();
            long serverTicksBefore = serverCpuTicks(postmaster);
            long before = scalar(dataSource, "SELECT last_sequence FROM audit_chain_head");
            String walFrom = text(dataSource, "SELECT pg_current_wal_insert_lsn()::text");
            long started = System.nanoTime();
            runAppends(services, clients, APPENDS, at, outcomes);
            Duration took = elapsed(started);
            long after = scalar(dataSource, "SELECT last_sequence FROM audit_chain_head");
            String walTo = text(dataSource, "SELECT pg_current_wal_insert_lsn()::text");
            long foldRuns = folds.get();
            long foldedEvents = folded.get();
            // CPU an event, this JVM (services, clients, JIT, GC) and the server's processes apart (0 when unknown).
            double compilerCpu = (compilerTicks() - compilerTicksBefore) * 10_000.0 / Math.max(1, after - before);
            double serviceCpu = (cpuTicks(ProcessHandle.current().pid()) - serviceTicksBefore) * 10_000.0
                    / Math.max(1, after - before);
            double serverCpu = (serverCpuTicks(postmaster) - serverTicksBefore) * 10_000.0 / Math.max(1, after - before);
            // WAL records and server transactions (commits and rollbacks, empty ones too) per appended event.
            long walRecords = scalar(dataSource, "SELECT wal_records FROM pg_stat_wal") - walRecordsBefore;
            // Its bytes, and the full-page images among them (a page's first change after a checkpoint, ADR 0137).
            long walBytes = scalar(dataSource, "SELECT wal_bytes::bigint FROM pg_stat_wal") - walBytesBefore;
            long walPages = scalar(dataSource, "SELECT wal_fpi FROM pg_stat_wal") - walPagesBefore;
            // The WAL's flushes (fdatasync) and their time (0 unless track_wal_io_timing is on).
            long walSyncs = scalar(dataSource, "SELECT wal_sync FROM pg_stat_wal") - walSyncsBefore;
            long walSyncMicros = scalar(dataSource, "SELECT (wal_sync_time * 1000)::bigint FROM pg_stat_wal")
                    - walSyncMicrosBefore;
            long serverTransactions = scalar(dataSource,
                    "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()")
                    - commitsBefore;
            // The transactions that wrote them (a row's xmin), a count the machine's load does not change.
            long transactions = scalar(dataSource, "SELECT count(DISTINCT xmin::text) FROM audit_event WHERE sequence > "
                    + before + " AND sequence <= " + after);
            // The load average as the appends end: the rate is the load's as much as the code's (2 cores, shared).
            Path loadavg = Path.of("/proc/loadavg");
            String load = Files.exists(loadavg) ? Files.readString(loadavg).strip() : "unknown";
            return String.format(Locale.ROOT, "%nload average at the end: %s", load)
                    + String.format(Locale.ROOT, "%nappends%s: %d clients over %d instance(s): %,d events in %s = %,.0f/s; "
                            + "%,d transactions, %.1f events each; server transactions %.2f and WAL records %.1f an event; "
                            + "CPU an event: this JVM %.0f µs (its JIT compilers %.0f µs of it), PostgreSQL %.0f µs%n",
                    outcomes ? " (intents and outcomes)" : "",
                    APPEND_CLIENTS, instances, after - before, seconds(took), (after - before) / (took.toNanos() / 1e9),
                    transactions, (after - before) / (double) Math.max(1, transactions),
                    serverTransactions / (double) Math.max(1, after - before),
                    walRecords / (double) Math.max(1, after - before), serviceCpu, compilerCpu, serverCpu)
                    + String.format(Locale.ROOT, "  count deltas folded (every second, from the warm-up on): %,d folds,"
                            + " %,d events%n", foldRuns, foldedEvents)
                    + String.format(Locale.ROOT, "  WAL an event: %,.0f bytes, %.2f full-page images%n",
                            walBytes / (double) Math.max(1, after - before), walPages / (double) Math.max(1, after - before))
                    + String.format(Locale.ROOT, "  WAL flushes: %,d, %.2f a transaction, %.0f µs each%n", walSyncs,
                            walSyncs / (double) Math.max(1, transactions), walSyncMicros / (double) Math.max(1, walSyncs))
                    + String.format(Locale.ROOT, "  events a transaction (how many transactions): %s%n",
                            transactionSizes(dataSource, before, after))
                    + (statements ? statementCounts(dataSource, transactions) : "")
                    + (Boolean.getBoolean("vpsr.bench.wal-detail") ? walPages(dataSource, walFrom, walTo, after - before) : "");
        } finally {
            folding.shutdownNow();
            folding.awaitTermination(10, TimeUnit.SECONDS);
            clients.shutdownNow();
            services.forEach(ApplicationContext::close);
        }
    }

    /** The embedded server's postmaster (the checkpointer's parent); -1 when it is not on this machine's /proc. */
    private static long postmaster(DataSource dataSource) {
        try {
            long checkpointer = scalar(dataSource, "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'");
            return Long.parseLong(statFields(checkpointer)[1]);
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /** The postmaster's and its children's (backends, writers) utime + stime, in clock ticks (1/100 s). */
    private static long serverCpuTicks(long postmaster) {
        if (postmaster < 0) {
            return 0;
        }
        long ticks = cpuTicks(postmaster);
        try (var processes = Files.list(Path.of("/proc"))) {
            for (Path process : (Iterable<Path>) processes::iterator) {
                String name = process.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit)) {
                    String[] fields = statFields(Long.parseLong(name));
                    if (fields.length > 12 && fields[1].equals(Long.toString(postmaster))) {
                        ticks += ticksOf(fields);
                    }
                }
            }
        } catch (java.io.IOException e) {
            return 0;
        }
        return ticks;
    }

    /**
     * This JVM's JIT compiler threads' utime + stime, in clock ticks: compiling the writer's code competes for the
     * machine's two cores with the appends a part times, which a service long up does not pay.
     */
    private static long compilerTicks() {
        long ticks = 0;
        try (var threads = Files.list(Path.of("/proc/self/task"))) {
            for (Path thread : (Iterable<Path>) threads::iterator) {
                String name = Files.readString(thread.resolve("comm")).strip();
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    ticks += ticksOf(statFields(thread.resolve("stat")));
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return ticks;
    }

    private static long cpuTicks(long pid) {
        return ticksOf(statFields(pid));
    }

    /** utime + stime of a {@code /proc/…/stat}'s fields after the name, 0 when unknown. */
    private static long ticksOf(String[] fields) {
        return fields.length > 12 ? Long.parseLong(fields[11]) + Long.parseLong(fields[12]) : 0;
    }

    /** /proc/PID/stat's fields after the command name (state first); empty if the process is gone. */
    private static String[] statFields(long pid) {
        return statFields(Path.of("/proc", Long.toString(pid), "stat"));
    }

    private static String[] statFields(Path statFile) {
        try {
            String stat = Files.readString(statFile);
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        } catch (java.io.IOException | RuntimeException e) {
            return new String[0];
        }
    }

    /** As the service's server runs (fsync and synchronous_commit on), unless the run asks otherwise (ADR 0102). */
    private static boolean durableAppends() {
        return Boolean.parseBoolean(System.getProperty("vpsr.bench.durable-appends", "true"));
    }

    /** The server's durability settings, and the load's data files written to disk before the timed appends. */
    private static String durableFromNowOn(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CHECKPOINT");
            try (ResultSet rs = statement.executeQuery("SELECT string_agg(name || ' = ' || setting, ', ' ORDER BY name) "
                    + "FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', "
                    + "'wal_sync_method')")) {
                rs.next();
                return String.format(Locale.ROOT, "%nappends with durable commits: %s%n", rs.getString(1));
            }
        }
    }

    /**
     * The timed part's full-page images by relation and WAL record (pg_walinspect, PostgreSQL 16 or newer): which pages
     * the appends were first to change after the checkpoint ({@code -Dvpsr.bench.wal-detail=true}; ADR 0137).
     */
    private static String walPages(DataSource dataSource, String from, String to, long events) {
        String sql = """
                SELECT coalesce(pg_filenode_relation(CASE WHEN b.reltablespace = d.dattablespace THEN 0
                           ELSE b.reltablespace END, b.relfilenode)::text, b.relfilenode::text)
                           || ' ' || b.relforknumber || ', ' || b.resource_manager || ' ' || b.record_type,
                       count(*) FILTER (WHERE b.block_fpi_length > 0), count(*)
                FROM pg_get_wal_block_info(?::pg_lsn, ?::pg_lsn, false) b,
                     pg_database d
                WHERE d.datname = current_database()
                GROUP BY 1 HAVING count(*) FILTER (WHERE b.block_fpi_length > 0) > 0 ORDER BY 2 DESC LIMIT 12""";
        StringBuilder out = new StringBuilder("  full-page images by relation (fork), WAL record: an event (blocks an event)\n");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_walinspect");
            try (PreparedStatement query = connection.prepareStatement(sql)) {
                query.setString(1, from);
                query.setString(2, to);
                try (ResultSet rs = query.executeQuery()) {
                    while (rs.next()) {
                        out.append(String.format(Locale.ROOT, "    %s: %.3f (%.3f)%n", rs.getString(1),
                                rs.getLong(2) / (double) Math.max(1, events), rs.getLong(3) / (double) Math.max(1, events)));
                    }
                }
            }
        } catch (SQLException e) {
            out.append("    not read: ").append(e.getMessage()).append('\n');
        }
        return out.toString();
    }

    /** Zeroes pg_stat_statements' counters; false if the server has not loaded it (a database of your own). */
    private static boolean resetStatementCounts(DataSource dataSource) {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
            statement.execute("SELECT pg_stat_statements_reset()");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    /** Statements the server ran during the appends, per transaction that wrote events, most called first. */
    private static String statementCounts(DataSource dataSource, long transactions) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 90), "
                     + "mean_exec_time, rows "
                     + "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' "
                     + "AND query NOT LIKE '%last_sequence FROM audit_chain_head' ORDER BY calls DESC")) {
            long total = 0;
            while (rs.next()) {
                total += rs.getLong(1);
                if (rs.getLong(1) * 100 >= transactions) {
                    // The mean time includes waits for the head's row lock; rows tells a written batch from a moved head.
                    out.append(String.format(Locale.ROOT, "  %.2f a transaction (%.3f ms each, %.2f rows each): %s%n",
                            rs.getLong(1) / (double) Math.max(1, transactions), rs.getDouble(3),
                            rs.getLong(4) / (double) Math.max(1, rs.getLong(1)), rs.getString(2)));
                }
            }
            out.insert(0, String.format(Locale.ROOT, "  statements: %,d, %.2f a transaction%n", total,
                    total / (double) Math.max(1, transactions)));
        }
        return out.toString();
    }

    private static void runAppends(List<ApplicationContext> services, ExecutorService clients, int events, Instant at,
                                   boolean outcomes) throws Exception {
        List<Future<?>> running = new ArrayList<>();
        for (int c = 0; c < APPEND_CLIENTS; c++) {
            AuditHistory history = services.get(c % services.size()).getBean(AuditHistory.class);
            int client = c;
            running.add(clients.submit(() -> {
                RequestId request = null;
                Map<String, String> detail = Map.of();
                for (int i = 0; i < events / APPEND_CLIENTS; i++) {
                    // With outcomes, as attempts go: an intent, then its outcome (a webhook type) under the same
                    // request id, both naming their attempt as the service's do (the outcome enters V47's index).
                    // Service ids: every intent names its attempt too (V48's index), as the service's do.
                    boolean outcome = outcomes && i % 2 == 1;
                    if (!outcome) {
                        if (SERVICE_IDS) {
                            request = RequestId.random();
                            detail = Map.of(AuditEvent.ATTEMPT_ID, OperationId.random().toString());
                        } else {
                            request = new RequestId("append-" + client + "-" + (outcomes ? i / 2 : i));
                            detail = outcomes
                                    ? Map.of(AuditEvent.ATTEMPT_ID, new UUID(client + 1L, i / 2 + 1L).toString()) : Map.of();
                        }
                    }
                    history.append(new AuditEvent(at, new TeamId("team-0" + client), request, Operation.CREATE_SNAPSHOT,
                            Optional.of(new ServerId(100_000L + client)), Optional.empty(),
                            outcome ? new Outcome.Completed() : new Outcome.Accepted(),
                            outcome ? OptionalInt.of(201) : OptionalInt.empty(), detail));
                }
            }));
        }
        for (Future<?> client : running) {
            client.get();
        }
    }

    private static List<Measurement> measure(DataSource dataSource, AuditReports reports, AuditHistory history,
                                             long count) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofDays(1));
        TeamId team = new TeamId("team-07");
        AuditEventFilter all = AuditEventFilter.everything();
        long middle = count / 2;
        List<Measurement> results = new ArrayList<>();
        if (Boolean.getBoolean("vpsr.bench.pages-only")) {
            rarePages(results, dataSource, reports, all, team);
            return results;
        }

        results.add(time(dataSource, "summary: all teams, 30 days by day, top 10 rejections, failure rate",
                () -> reports.summarize(new SummaryQuery(Optional.empty(), now.minus(Duration.ofDays(30)), now,
                        SummaryBucket.DAY, 10, true)).counts().size()));
        results.add(time(dataSource, "summary: one team, 12 months by month",
                () -> reports.summarize(new SummaryQuery(Optional.of(team), now.minus(Duration.ofDays(366)), now,
                        SummaryBucket.MONTH, 10, true)).counts().size()));
        results.add(time(dataSource, "summary: all teams, 12 months by month (the whole history)",
                () -> reports.summarize(new SummaryQuery(Optional.empty(), now.minus(Duration.ofDays(366)), now,
                        SummaryBucket.MONTH, 10, true)).counts().size()));
        // Its answer is ~25 counts a team and day: the size of the answer, not the reading, dominates.
        results.add(time(dataSource, "summary: all teams, 12 months by day", 5,
                () -> reports.summarize(new SummaryQuery(Optional.empty(), now.minus(Duration.ofDays(366)), now,
                        SummaryBucket.DAY, 10, true)).counts().size()));
        // Not on day boundaries: the partial first and last days are read from the events.
        results.add(time(dataSource, "summary: all teams, 12 months by month, from 13:17 to 09:42 (edge days from events)",
                () -> reports.summarize(new SummaryQuery(Optional.empty(),
                        now.minus(Duration.ofDays(366)).plus(Duration.ofMinutes(13 * 60 + 17)),
                        now.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(9 * 60 + 42)),
                        SummaryBucket.MONTH, 10, true)).counts().size()));
        results.add(time(dataSource, "summary: one team, one month by day, from 13:17 to 09:42",
                () -> reports.summarize(new SummaryQuery(Optional.of(team),
                        now.minus(Duration.ofDays(31)).plus(Duration.ofMinutes(13 * 60 + 17)),
                        now.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(9 * 60 + 42)),
                        SummaryBucket.DAY, 10, true)).counts().size()));
        // Summed over every team (ADR 0078, V40): the HTTP answer's default without a team.
        results.add(time(dataSource, "summary summed over the teams: all teams, 30 days by day",
                () -> reports.summarize(new SummaryQuery(Optional.empty(), now.minus(Duration.ofDays(30)), now,
                        SummaryBucket.DAY, 10, false)).counts().size()));
        results.add(time(dataSource, "summary summed over the teams: all teams, 12 months by day",
                () -> reports.summarize(new SummaryQuery(Optional.empty(), now.minus(Duration.ofDays(366)), now,
                        SummaryBucket.DAY, 10, false)).counts().size()));
        results.add(time(dataSource, "summary summed over the teams: all teams, 12 months by month",
                () -> reports.summarize(new SummaryQuery(Optional.empty(), now.minus(Duration.ofDays(366)), now,
                        SummaryBucket.MONTH, 10, false)).counts().size()));
        results.add(time(dataSource, "summary summed over the teams: all teams, 12 months by month, from 13:17 to 09:42",
                () -> reports.summarize(new SummaryQuery(Optional.empty(),
                        now.minus(Duration.ofDays(366)).plus(Duration.ofMinutes(13 * 60 + 17)),
                        now.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(9 * 60 + 42)),
                        SummaryBucket.MONTH, 10, false)).counts().size()));
        results.add(time(dataSource, "summary summed over the teams: all teams, 12 months by day, from 13:17 to 09:42",
                () -> reports.summarize(new SummaryQuery(Optional.empty(),
                        now.minus(Duration.ofDays(366)).plus(Duration.ofMinutes(13 * 60 + 17)),
                        now.minus(Duration.ofDays(1)).plus(Duration.ofMinutes(9 * 60 + 42)),
                        SummaryBucket.DAY, 10, false)).counts().size()));
        if (Boolean.getBoolean("vpsr.bench.summaries-only")) {
            return results;
        }
        results.add(time(dataSource, "page of 100: no filter (newest)",
                () -> reports.page(all, OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: team",
                () -> reports.page(all.forTeam(team), OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: team, deep (cursor at the middle of the history)",
                () -> reports.page(all.forTeam(team), OptionalLong.of(middle), 100).events().size()));
        results.add(time(dataSource, "page of 100: team + operation + outcome=REJECTED",
                () -> reports.page(all.forTeam(team).withOperation(Operation.RESTORE_SNAPSHOT)
                        .withOutcome(Outcome.Kind.REJECTED), OptionalLong.empty(), 100).events().size()));
        rarePages(results, dataSource, reports, all, team);
        results.add(time(dataSource, "page of 100: server_id",
                () -> reports.page(all.forServer(new ServerId(100_000L + 7 * SERVERS_PER_TEAM + 3)), OptionalLong.empty(),
                        100).events().size()));
        results.add(time(dataSource, "page of 100: reason_code=BACKUP_EXPIRED (rare: ~0.06% of events)",
                () -> reports.page(all.withReason(ReasonCode.BACKUP_EXPIRED), OptionalLong.empty(), 100).events().size()));
        Instant halfYear = now.minus(Duration.ofDays(183));
        results.add(time(dataSource, "page of 100: team, one day six months ago (from/to)",
                () -> reports.page(all.forTeam(team).between(Optional.of(halfYear),
                        Optional.of(halfYear.plus(Duration.ofDays(1)))), OptionalLong.empty(), 100).events().size()));
        // A month six months back, on whole UTC days and not (a client east of UTC asks from its own midnight), its
        // events in one stretch of the history: the pages ADR 0074 found reading the history down to the month.
        Instant oldMonth = now.minus(Duration.ofDays(183));
        Instant oldMonthEnd = oldMonth.plus(Duration.ofDays(30));
        results.add(time(dataSource, "page of 100: team, a month six months ago (from/to)",
                () -> reports.page(all.forTeam(team).between(Optional.of(oldMonth), Optional.of(oldMonthEnd)),
                        OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: team, a month six months ago from 22:00 to 22:00 (from/to)",
                () -> reports.page(all.forTeam(team).between(Optional.of(oldMonth.minus(Duration.ofHours(2))),
                        Optional.of(oldMonthEnd.minus(Duration.ofHours(2)))), OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: team + outcome=REJECTED, a month six months ago (from/to)",
                () -> reports.page(all.forTeam(team).withOutcome(Outcome.Kind.REJECTED).between(Optional.of(oldMonth),
                        Optional.of(oldMonthEnd)), OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: every team, a month six months ago (from/to)",
                () -> reports.page(all.between(Optional.of(oldMonth), Optional.of(oldMonthEnd)), OptionalLong.empty(), 100)
                        .events().size()));
        results.add(time(dataSource, "page of 100: team, everything before six months ago (to)",
                () -> reports.page(all.forTeam(team).between(Optional.empty(), Optional.of(oldMonth)), OptionalLong.empty(),
                        100).events().size()));
        // An attempt's request id from the middle of the history, whichever way the load drew its ids.
        RequestId middleRequest = new RequestId(text(dataSource, "SELECT request_id FROM audit_event WHERE sequence = " + middle));
        results.add(time(dataSource, "page of 100: request_id",
                () -> reports.page(all.forRequest(middleRequest), OptionalLong.empty(),
                        100).events().size()));
        Set<ServerId> teamServers = LongStream.range(0, SERVERS_PER_TEAM)
                .mapToObj(k -> new ServerId(100_000L + 7 * SERVERS_PER_TEAM + k)).collect(Collectors.toSet());
        results.add(time(dataSource, "recovery activity: the 40 servers of one team",
                () -> reports.recoveryActivity(teamServers, java.util.Optional.of(team)).size()));
        results.add(once(dataSource, "export (CSV's source): one team's every event, streamed", () -> {
            int rows = 0;
            try (AuditEventStream stream = reports.stream(all.forTeam(team))) {
                while (stream.hasNext()) {
                    stream.next();
                    rows++;
                }
            }
            return rows;
        }));
        // A day of traffic after a checkpoint a day old: the walk of GET /audit/verify/?from=latest-checkpoint.
        long dayAgo = Math.max(0, count - count / 365);
        ChainHash dayAgoHash = dayAgo == 0 ? ChainHash.GENESIS : ChainHash.of(bytes(dataSource,
                "SELECT hash FROM audit_event WHERE sequence = " + dayAgo));
        results.add(time(dataSource, "verify: the events since a checkpoint a day old (" + (count - dayAgo) + ")", () -> {
            ChainVerification verification = history.verifyChainAfter(dayAgo, dayAgoHash);
            if (!verification.isIntact()) {
                throw new IllegalStateException("the loaded chain is broken: " + verification);
            }
            return (int) ((ChainVerification.Intact) verification).eventsChecked();
        }));
        // A day of traffic at 10 M events a year, whatever this history's size: the target's amount of work.
        long tenMillionDay = 10_000_000L / 365;
        if (count - dayAgo < tenMillionDay && count > tenMillionDay) {
            long from = count - tenMillionDay;
            ChainHash fromHash = ChainHash.of(bytes(dataSource, "SELECT hash FROM audit_event WHERE sequence = " + from));
            results.add(time(dataSource, "verify: the last " + tenMillionDay + " events (a day at 10 M events a year)",
                    () -> {
                        ChainVerification verification = history.verifyChainAfter(from, fromHash);
                        if (!verification.isIntact()) {
                            throw new IllegalStateException("the loaded chain is broken: " + verification);
                        }
                        return (int) ((ChainVerification.Intact) verification).eventsChecked();
                    }));
        }
        if (!Boolean.getBoolean("vpsr.bench.skip-verify")) {
            results.add(once(dataSource, "verify: the whole chain (every hash recomputed)", () -> {
                ChainVerification verification = history.verifyChain();
                if (!verification.isIntact()) {
                    throw new IllegalStateException("the loaded chain is broken: " + verification);
                }
                return (int) ((ChainVerification.Intact) verification).eventsChecked();
            }));
        }
        return results;
    }

    /** The shapes ADR 0077 left over budget (ADR 0081, 0085): rare matches of a team, a server or an operation. */
    private static void rarePages(List<Measurement> results, DataSource dataSource, AuditReports reports,
                                  AuditEventFilter all, TeamId team) throws SQLException {
        results.add(time(dataSource, "page of 100: team + reason_code=SNAPSHOT_LIMIT_REACHED",
                () -> reports.page(all.forTeam(team).withReason(ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalLong.empty(),
                        100).events().size()));
        results.add(time(dataSource, "page of 100: team + operation + outcome=FAILED",
                () -> reports.page(all.forTeam(team).withOperation(Operation.RESTORE_SNAPSHOT)
                        .withOutcome(Outcome.Kind.FAILED), OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: server_id + outcome=FAILED",
                () -> reports.page(all.forServer(new ServerId(100_000L + 7 * SERVERS_PER_TEAM + 3))
                        .withOutcome(Outcome.Kind.FAILED), OptionalLong.empty(), 100).events().size()));
        results.add(time(dataSource, "page of 100: every team, operation + outcome=FAILED",
                () -> reports.page(all.withOperation(Operation.RESTORE_SNAPSHOT).withOutcome(Outcome.Kind.FAILED),
                        OptionalLong.empty(), 100).events().size()));
    }

    private static Measurement time(DataSource dataSource, String what, Supplier<Integer> run) throws SQLException {
        return time(dataSource, what, RUNS, run);
    }

    private static Measurement time(DataSource dataSource, String what, int runs, Supplier<Integer> run)
            throws SQLException {
        run.get(); // warm-up: plans cached, pages in shared buffers, as on a running service
        Map<String, Long> before = indexScans(dataSource);
        List<Duration> times = new ArrayList<>();
        int rows = 0;
        for (int i = 0; i < runs; i++) {
            long started = System.nanoTime();
            rows = run.get();
            times.add(elapsed(started));
        }
        return new Measurement(what, rows, times, usedIndexes(before, indexScans(dataSource)));
    }

    private static Measurement once(DataSource dataSource, String what, Supplier<Integer> run) throws SQLException {
        Map<String, Long> before = indexScans(dataSource);
        long started = System.nanoTime();
        int rows = run.get();
        return new Measurement(what, rows, List.of(elapsed(started)), usedIndexes(before, indexScans(dataSource)));
    }

    private static Map<String, Long> indexScans(DataSource dataSource) throws SQLException {
        // The statistics collector reports with a short delay.
        try {
            Thread.sleep(600);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Long> scans = new HashMap<>();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT indexrelname, idx_scan FROM pg_stat_user_indexes "
                     + "WHERE relname LIKE 'audit_%'")) {
            while (rs.next()) {
                scans.put(rs.getString(1), rs.getLong(2));
            }
        }
        return scans;
    }

    private static String usedIndexes(Map<String, Long> before, Map<String, Long> after) {
        String used = after.entrySet().stream()
                .filter(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L))
                .map(Map.Entry::getKey).sorted().collect(Collectors.joining(", "));
        return used.isEmpty() ? "(none: sequential scan)" : used;
    }

    private static String table(List<Measurement> measurements, long count) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n| what | history | rows returned | median | p95 | max | runs | indexes used |%n"));
        out.append("|---|---|---|---|---|---|---|---|\n");
        for (Measurement m : measurements) {
            List<Duration> sorted = m.times().stream().sorted().toList();
            Duration p95 = sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1);
            out.append(String.format(Locale.ROOT, "| %s | %,d | %,d | %s | %s | %s | %d | %s |%n", m.what(), count,
                    m.rows(), millis(sorted.get(sorted.size() / 2)), millis(p95), millis(sorted.getLast()), sorted.size(),
                    m.indexes()));
        }
        out.append(String.format(Locale.ROOT, "%nmachine: %d cores, %s, %s%n", Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "Java " + System.getProperty("java.version")));
        return out.toString();
    }

    /** How many transactions wrote each number of the appended events (distinct xmin): the batches' sizes as stored. */
    private static String transactionSizes(DataSource dataSource, long before, long after) throws SQLException {
        StringBuilder sizes = new StringBuilder();
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT n, count(*) FROM (SELECT count(*) AS n FROM audit_event"
                     + " WHERE sequence > " + before + " AND sequence <= " + after + " GROUP BY xmin::text) AS t"
                     + " GROUP BY n ORDER BY n")) {
            while (rs.next()) {
                sizes.append(sizes.isEmpty() ? "" : ", ").append(rs.getLong(1)).append(": ").append(rs.getLong(2));
            }
        }
        return sizes.toString();
    }

    private static long scalar(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static byte[] bytes(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getBytes(1);
        }
    }

    private static String text(DataSource dataSource, String sql) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static Duration elapsed(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    private static String millis(Duration duration) {
        double ms = duration.toNanos() / 1e6;
        return ms >= 1000 ? String.format(Locale.ROOT, "%.2f s", ms / 1000) : String.format(Locale.ROOT, "%.1f ms", ms);
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
