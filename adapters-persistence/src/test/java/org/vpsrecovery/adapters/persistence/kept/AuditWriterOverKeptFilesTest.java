package org.vpsrecovery.adapters.persistence.kept;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.application.attempt.AuditWriter;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.testing.ForwardingAuditHistory;
import org.vpsrecovery.domain.testing.InMemoryAuditHistory;

/**
 * The audit writer over the file store it runs on in the service (ADR 0141), as the service wires them,
 * for what only the pair shows. The writer's own behaviour is {@code AuditWriterTest}'s, the store's
 * {@code FileKeptAuditEventsTest}'s.
 */
class AuditWriterOverKeptFilesTest {

    private static final Instant T0 = Instant.parse("2026-12-06T06:00:00Z");

    @TempDir
    Path directory;

    private final InMemoryAuditHistory recorded = new InMemoryAuditHistory();
    private final AtomicBoolean down = new AtomicBoolean();
    private final ForwardingAuditHistory history = new ForwardingAuditHistory(recorded) {
        @Override
        public RecordedAuditEvent append(AuditEvent event) {
            if (down.get()) {
                throw new IllegalStateException("database unavailable");
            }
            return super.append(event);
        }
    };

    private static AuditEvent event(int n) {
        return new AuditEvent(T0.plusMillis(n), new TeamId("blue"), new RequestId("req-" + n), Operation.CREATE_SNAPSHOT,
                Optional.of(new ServerId(12345)), Optional.empty(),
                new Outcome.Rejected(ReasonCode.SNAPSHOT_LIMIT_REACHED), OptionalInt.empty(), Map.of());
    }

    /** A kept line as the store writes it: its CRC-32C, a space, its JSON. */
    private static String lineOf(AuditEvent event) {
        byte[] json = KeptEventLine.of(event);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(json);
        return java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + " "
                + new String(json, java.nio.charset.StandardCharsets.UTF_8);
    }

    /**
     * An older instance on the directory set aside lines a later release kept (a rollback, or while rolling): one event
     * the later release had written before its note of it was saved, one it had not. The next flush of this release
     * takes both back and the history holds each once (the look-up before a write, ADR 0141 amended in session 36);
     * before session 48 neither was ever read again.
     */
    @Test
    void eventsSetAsideByAnOlderInstanceAreWrittenByTheNextFlushEachOnce() throws Exception {
        recorded.append(event(1));
        try (FileKeptAuditEvents kept = new FileKeptAuditEvents(directory)) {
            AuditWriter writer = new AuditWriter(history, kept);
            java.nio.file.Files.writeString(directory.resolve(FileKeptAuditEvents.UNREADABLE),
                    lineOf(event(1)) + "\n" + lineOf(event(2)) + "\n");

            writer.flush(Duration.ofSeconds(5));

            assertThat(recorded.all()).extracting(e -> e.requestId().value()).containsExactly("req-1", "req-2");
            assertThat(writer.waiting()).isZero();
            writer.flush(Duration.ofSeconds(5));
            assertThat(recorded.all()).as("not taken back twice").hasSize(2);
        }
    }

    /**
     * At a stop the job scheduler interrupts the runs still going. An event deferred on such a thread closed the
     * store's file for the process: it and every later one waited in memory behind a store that could no longer be
     * read, and the stop's flush wrote none of them ("flush wrote 0; waiting 3").
     */
    @Test
    void anEventDeferredOnAnInterruptedThreadIsKeptAndWrittenWithTheOthers() throws Exception {
        try (FileKeptAuditEvents kept = new FileKeptAuditEvents(directory)) {
            AuditWriter writer = new AuditWriter(history, kept);
            down.set(true);
            writer.appendOrDefer(event(1));
            Thread interrupted = Thread.ofPlatform().start(() -> {
                Thread.currentThread().interrupt(); // as db-scheduler leaves a run it interrupts at a stop
                writer.appendOrDefer(event(2));
            });
            interrupted.join();
            writer.appendOrDefer(event(3));
            down.set(false);

            assertThat(kept.count()).as("all kept on disk, none in memory").isEqualTo(3);
            assertThat(writer.flush(Duration.ofSeconds(1))).isEqualTo(3);
            assertThat(recorded.all()).extracting(e -> e.requestId().value()).containsExactly("req-1", "req-2", "req-3");
            assertThat(writer.waiting()).isZero();
        }
    }

    /**
     * The stop's flush returns at its budget while it may still be appending (a slow history). The exit's close let go
     * of the folder under it: another instance on the same directory took the event over and wrote it too, as the
     * look-up before a write is not one step with it. Now the writer's close leaves the folder to that flush, which lets
     * go of it once it noted the event written (ADR 0141, session 46).
     */
    @Test
    void aFlushLeftBehindAtTheStopKeepsItsFolderSoNoOtherInstanceWritesItsEventsToo() throws Exception {
        java.util.concurrent.CountDownLatch inAppend = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        ForwardingAuditHistory slow = new ForwardingAuditHistory(recorded) {
            @Override
            public RecordedAuditEvent append(AuditEvent event) {
                if (down.get()) {
                    throw new IllegalStateException("database unavailable");
                }
                inAppend.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return super.append(event);
            }

            @Override
            public java.util.List<RecordedAuditEvent> appendAll(java.util.List<AuditEvent> events) {
                return events.stream().map(this::append).toList();
            }
        };
        FileKeptAuditEvents keptA = new FileKeptAuditEvents(directory);
        AuditWriter writerA = new AuditWriter(slow, keptA);
        down.set(true);
        writerA.appendOrDefer(event(1));
        assertThat(writerA.keptWaiting()).isOne();
        down.set(false); // the database answers again, slowly

        try {
            assertThat(writerA.flush(Duration.ofMillis(300))).as("the stop's flush returned at its budget").isZero();
            assertThat(inAppend.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("its append under way").isTrue();
            writerA.close(); // the exit's close, the append still under way
            try (FileKeptAuditEvents keptB = new FileKeptAuditEvents(directory)) {
                assertThat(keptB.count()).as("another instance on the directory takes over nothing still being written")
                        .isZero();
            }
        } finally {
            release.countDown();
        }
        // Once the flush left behind noted the event written, it lets go of the folder: nothing left to take over.
        long until = System.nanoTime() + 10_000_000_000L;
        while (folders() > 0 && System.nanoTime() - until < 0) {
            Thread.onSpinWait();
        }
        assertThat(folders()).as("the folder let go and removed by the flush as it ended").isZero();
        try (FileKeptAuditEvents keptC = new FileKeptAuditEvents(directory)) {
            assertThat(keptC.count()).isZero();
        }
        assertThat(recorded.all()).extracting(e -> e.requestId().value()).containsExactly("req-1");
    }

    private long folders() throws java.io.IOException {
        try (var listed = java.nio.file.Files.list(directory)) {
            return listed.filter(java.nio.file.Files::isDirectory).count();
        }
    }
}
