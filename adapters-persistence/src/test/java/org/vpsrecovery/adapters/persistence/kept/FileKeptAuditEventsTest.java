package org.vpsrecovery.adapters.persistence.kept;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.port.KeptAuditEvents;
import org.vpsrecovery.domain.port.contract.KeptAuditEventsContract;

class FileKeptAuditEventsTest extends KeptAuditEventsContract {

    @TempDir
    Path directory;

    private final List<FileKeptAuditEvents> opened = new ArrayList<>();

    @Override
    protected KeptAuditEvents emptyStore() {
        return open();
    }

    private FileKeptAuditEvents open() {
        FileKeptAuditEvents store = new FileKeptAuditEvents(directory);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeStores() {
        opened.forEach(FileKeptAuditEvents::close);
    }

    private List<Path> folders() throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.filter(Files::isDirectory).toList();
        }
    }

    private static Path events(Path folder) {
        return folder.resolve(FileKeptAuditEvents.EVENTS);
    }

    @Test
    void whatAProcessKeptAndDidNotWriteIsGivenFirstByTheNextOnTheSameDirectory() {
        FileKeptAuditEvents stopped = open();
        stopped.keep(event(1));
        stopped.keep(event(2));
        stopped.keep(event(3));
        stopped.oldest(1);
        stopped.written(1);
        stopped.close(); // as a process's end lets go of its lock, however it ends

        FileKeptAuditEvents next = open();
        next.keep(event(4));

        assertThat(next.count()).isEqualTo(3);
        assertThat(next.oldest(10)).containsExactly(event(2), event(3));
        next.written(2);
        assertThat(next.oldest(10)).containsExactly(event(4));
        next.written(1);
        assertThat(next.count()).isZero();
    }

    /**
     * How long the oldest kept event has waited is known from the start on a folder a stopped process left, learnt from
     * its first line not written, and again after some are let go (ADR 0038, amended in session 44).
     */
    @Test
    void aStoreOpenedWhereAStoppedProcessKeptEventsKnowsWhenTheFirstNotWrittenHappened() {
        Instant t1 = T0.plusSeconds(60);
        Instant t2 = T0.plusSeconds(120);
        FileKeptAuditEvents stopped = open();
        stopped.keep(eventAt(1, T0));
        stopped.keep(eventAt(2, t1));
        stopped.keep(eventAt(3, t2));
        stopped.close();

        FileKeptAuditEvents next = open();
        assertThat(next.oldestOccurredAt()).as("learnt at the start, before any read").contains(T0);
        assertThat(next.oldest(1)).containsExactly(eventAt(1, T0));
        next.written(1);
        assertThat(next.oldestOccurredAt()).contains(t1);
        next.close();

        FileKeptAuditEvents third = open();
        assertThat(third.oldestOccurredAt()).as("from where the history has them").contains(t1);
        third.keep(eventAt(4, T0.minusSeconds(60)));
        assertThat(third.oldestOccurredAt()).as("the earliest of the folders' first events").contains(T0.minusSeconds(60));
    }

    @Test
    void aFirstLineThatIsNoEventGivesTheTimeOfTheFirstEventAfterIt() throws IOException {
        Instant t1 = T0.plusSeconds(60);
        FileKeptAuditEvents stopped = open();
        stopped.keep(eventAt(1, T0));
        stopped.keep(eventAt(2, t1));
        stopped.close();
        Path folder = folders().getFirst();
        List<String> lines = new ArrayList<>(Files.readAllLines(events(folder)));
        lines.set(0, lines.getFirst().replace("req-1", "req-X"));
        Files.write(events(folder), lines);

        FileKeptAuditEvents next = open();

        assertThat(next.oldestOccurredAt()).contains(t1);
        assertThat(next.oldest(10)).containsExactly(eventAt(2, t1));
        assertThat(next.oldestOccurredAt()).contains(t1);
    }

    @Test
    void aFolderAnotherLiveStoreHoldsIsNotTakenOver() {
        FileKeptAuditEvents live = open();
        live.keep(event(1));

        FileKeptAuditEvents other = open();

        assertThat(other.count()).isZero();
        assertThat(live.oldest(10)).containsExactly(event(1));
    }

    @Test
    void aLastLineCutShortByAStopIsNoEventAndIsCutOff() throws IOException {
        FileKeptAuditEvents stopped = open();
        stopped.keep(event(1));
        stopped.keep(event(2));
        stopped.close();
        Path folder = folders().getFirst();
        Files.writeString(events(folder), "0badc0de {\"occurred_at\":\"2026-", StandardCharsets.UTF_8,
                StandardOpenOption.APPEND);

        FileKeptAuditEvents next = open();

        assertThat(next.count()).isEqualTo(2);
        assertThat(next.oldest(10)).containsExactly(event(1), event(2));
        assertThat(Files.readString(events(folder))).endsWith("\n");
    }

    @Test
    void aDamagedLineIsSetAsideForAnOperatorAndTheEventsAfterItAreGiven() throws IOException {
        FileKeptAuditEvents stopped = open();
        stopped.keep(event(1));
        stopped.keep(event(2));
        stopped.keep(event(3));
        stopped.close();
        Path folder = folders().getFirst();
        List<String> lines = new ArrayList<>(Files.readAllLines(events(folder)));
        String damaged = lines.get(1).replace("req-2", "req-X");
        lines.set(1, damaged);
        Files.write(events(folder), lines);

        FileKeptAuditEvents next = open();

        assertThat(next.count()).isEqualTo(3);
        assertThat(next.oldest(10)).containsExactly(event(1));
        next.written(1);
        assertThat(next.oldest(10)).containsExactly(event(3));
        assertThat(Files.readAllLines(directory.resolve(FileKeptAuditEvents.UNREADABLE))).containsExactly(damaged);
        next.written(1);
        assertThat(next.count()).isZero();
    }

    @Test
    void aLineOfAnotherReleaseIsSetAsideNotDropped() throws IOException {
        FileKeptAuditEvents stopped = open();
        stopped.keep(event(1));
        stopped.close();
        Path folder = folders().getFirst();
        byte[] json = "{\"occurred_at\":\"2026-03-01T08:00:00Z\",\"operation\":\"A_LATER_OPERATION\"}"
                .getBytes(StandardCharsets.UTF_8);
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(json);
        String line = java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + " " + new String(json, StandardCharsets.UTF_8);
        Files.writeString(events(folder), line + "\n", StandardOpenOption.APPEND);

        FileKeptAuditEvents next = open();
        assertThat(next.oldest(10)).containsExactly(event(1));
        next.written(1);

        assertThat(next.oldest(10)).isEmpty();
        assertThat(Files.readAllLines(directory.resolve(FileKeptAuditEvents.UNREADABLE))).containsExactly(line);
        assertThat(next.count()).isZero();
    }

    /**
     * The kept events hold actor subjects and free text: their folders are 0700 and their files 0600 whatever the umask,
     * the set-aside file and its lock too (ADR 0141, session 52). Before, the umask's 0755/0644 let every local user
     * read them.
     */
    @Test
    void keptEventsAreReadableByThisUserOnly() throws IOException {
        assumePosix();
        Path kept = directory.resolve("data").resolve("kept-audit-events");
        FileKeptAuditEvents stopped = new FileKeptAuditEvents(kept);
        opened.add(stopped);
        stopped.keep(event(1));
        stopped.keep(event(2));
        stopped.oldest(1);
        stopped.written(1);
        stopped.close();
        Path folder;
        try (Stream<Path> entries = Files.list(kept)) {
            folder = entries.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        Files.writeString(events(folder), A_LATER_RELEASES_LINE + "\n", StandardOpenOption.APPEND);
        FileKeptAuditEvents next = new FileKeptAuditEvents(kept);
        opened.add(next);
        assertThat(next.oldest(10)).containsExactly(event(2));
        next.written(1);
        next.keep(event(3));
        next.oldest(1);

        assertThat(kept.resolve(FileKeptAuditEvents.UNREADABLE)).exists();
        assertThat(namesUnder(kept)).contains(FileKeptAuditEvents.EVENTS, FileKeptAuditEvents.OWNER_LOCK,
                FileKeptAuditEvents.WRITTEN, FileKeptAuditEvents.UNREADABLE, SetAsideLines.LOCK);
        assertOwnerOnly(kept);
    }

    /** Folders and files an earlier release left by the umask are made owner-only when a store opens the directory. */
    @Test
    void keptEventsLeftReadableByOthersAreMadeOwnerOnlyAtTheStart() throws IOException {
        assumePosix();
        FileKeptAuditEvents stopped = open();
        stopped.keep(event(1));
        stopped.close();
        try (Stream<Path> all = Files.walk(directory)) {
            for (Path path : all.toList()) {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(
                        Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }

        FileKeptAuditEvents next = open();

        assertThat(next.oldest(10)).containsExactly(event(1));
        assertOwnerOnly(directory);
    }

    private static void assumePosix() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    private static List<String> namesUnder(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            return all.map(path -> path.getFileName().toString()).toList();
        }
    }

    private static void assertOwnerOnly(Path root) throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path path : all.toList()) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(path))).as(path.toString())
                        .isEqualTo(Files.isDirectory(path) ? "rwx------" : "rw-------");
            }
        }
    }

    /** A kept line as the store writes it: its CRC-32C, a space, its JSON. */
    private static String lineOf(byte[] json) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(json);
        return java.util.HexFormat.of().toHexDigits((int) crc.getValue()) + " " + new String(json, StandardCharsets.UTF_8);
    }

    private static final String A_LATER_RELEASES_LINE = lineOf(
            "{\"occurred_at\":\"2026-03-01T08:00:00Z\",\"operation\":\"A_LATER_OPERATION\"}".getBytes(StandardCharsets.UTF_8));

    /**
     * A line an older release set aside because a later one wrote it (a rollback, or an older instance while rolling) is
     * an event again once the directory runs a release that reads it: the next flush takes it back and it is given like
     * any kept event, once; a line still unreadable stays set aside (ADR 0141, amended in session 48). Before, nothing
     * ever read the file again: those events were lost to the history.
     */
    @Test
    void aSetAsideLineThisReleaseReadsIsGivenByTheNextFlushOnceAndTheOthersStaySetAside() throws IOException {
        FileKeptAuditEvents running = open();
        running.keep(event(1));
        String readable = lineOf(KeptEventLine.of(event(5)));
        String damaged = lineOf(KeptEventLine.of(event(6))).replace("req-6", "req-X");
        Files.writeString(directory.resolve(FileKeptAuditEvents.UNREADABLE),
                A_LATER_RELEASES_LINE + "\n" + readable + "\n" + damaged + "\n");

        assertThat(running.takeOverStopped()).as("taken back at the flush").isEqualTo(1);

        assertThat(running.count()).isEqualTo(2);
        assertThat(running.oldest(10)).containsExactly(event(5));
        assertThat(Files.readAllLines(directory.resolve(FileKeptAuditEvents.UNREADABLE)))
                .containsExactly(A_LATER_RELEASES_LINE, damaged);
        assertThat(running.takeOverStopped()).as("once").isZero();
        running.written(1);
        assertThat(running.oldest(10)).containsExactly(event(1));
        running.written(1);
        assertThat(running.count()).isZero();

        FileKeptAuditEvents next = open();
        assertThat(next.count()).as("not taken back again by another process").isZero();
        assertThat(Files.readAllLines(directory.resolve(FileKeptAuditEvents.UNREADABLE)))
                .containsExactly(A_LATER_RELEASES_LINE, damaged);
    }

    /** A process that starts on the directory takes back, before anything else is kept, what it reads (session 48). */
    @Test
    void aSetAsideLineThisReleaseReadsIsTakenBackAtTheStart() throws IOException {
        Files.createDirectories(directory);
        Files.writeString(directory.resolve(FileKeptAuditEvents.UNREADABLE),
                lineOf(KeptEventLine.of(event(7))) + "\n" + lineOf(KeptEventLine.of(event(8))) + "\n");

        FileKeptAuditEvents started = open();

        assertThat(started.count()).isEqualTo(2);
        assertThat(started.oldestOccurredAt()).contains(event(7).occurredAt());
        assertThat(started.oldest(10)).containsExactly(event(7), event(8));
        assertThat(Files.readAllLines(directory.resolve(FileKeptAuditEvents.UNREADABLE))).isEmpty();
        started.close();

        FileKeptAuditEvents afterAStop = open();
        assertThat(afterAStop.oldest(10)).as("taken back, not yet written: kept across a stop")
                .containsExactly(event(7), event(8));
    }

    /**
     * A line set aside twice (a process stopped between its append there and its saved offset sets the same lines aside
     * again at its next start) is taken back once: both copies in one batch, the flush's look-up before its write
     * would find neither (session 48's review). Before, the event was given twice.
     */
    @Test
    void aLineSetAsideTwiceIsTakenBackOnce() throws IOException {
        Files.createDirectories(directory);
        String line = lineOf(KeptEventLine.of(event(7)));
        String other = lineOf(KeptEventLine.of(event(8)));
        Files.writeString(directory.resolve(FileKeptAuditEvents.UNREADABLE),
                line + "\n" + other + "\n" + line + "\n" + A_LATER_RELEASES_LINE + "\n");

        FileKeptAuditEvents started = open();

        assertThat(started.count()).isEqualTo(2);
        assertThat(started.oldest(10)).containsExactly(event(7), event(8));
        assertThat(Files.readAllLines(directory.resolve(FileKeptAuditEvents.UNREADABLE)))
                .containsExactly(A_LATER_RELEASES_LINE);
    }

    @Test
    void aFolderAllWrittenIsRemovedAndAnOwnFileStartsOverEmpty() throws IOException {
        FileKeptAuditEvents stopped = open();
        stopped.keep(event(1));
        stopped.close();
        FileKeptAuditEvents next = open();
        next.keep(event(2));

        next.oldest(10);
        next.written(1); // the stopped process's
        next.oldest(10);
        next.written(1); // its own

        assertThat(next.oldest(10)).isEmpty();
        assertThat(folders()).hasSize(1);
        assertThat(Files.size(events(folders().getFirst()))).isZero();
        next.close();
        assertThat(folders()).as("an own folder with nothing kept goes at the end").isEmpty();
    }

    /**
     * A flush between its append and its note of what it wrote when the store closes (the context stopping): the note
     * is a warning, as with the closed channel before the store's own thread (a review of session 42's change), not an
     * unchecked RejectedExecutionException out of the flush; the events are read again by the next process.
     */
    @Test
    void aNoteOfWrittenEventsAfterTheCloseIsAWarningNotAFailure() throws IOException {
        FileKeptAuditEvents store = open();
        store.keep(event(8));
        assertThat(store.oldest(10)).hasSize(1);

        store.close();

        assertThatCode(() -> store.written(1)).doesNotThrowAnyException();
    }

    @Test
    void eventsAreKeptOnDiskWhenKeepReturns() throws IOException {
        FileKeptAuditEvents store = open();
        AuditEvent event = event(7);

        store.keep(event);

        String line = Files.readAllLines(events(folders().getFirst())).getFirst();
        assertThat(line).matches("[0-9a-f]{8} \\{.*\\}").contains("\"request_id\":\"req-7\"");
        assertThat(KeptEventLine.read(line.substring(9).getBytes(StandardCharsets.UTF_8))).isEqualTo(event);
    }

    @Test
    void bytesPastTheLastKeptEventAreNotReadAsEvents() throws IOException {
        FileKeptAuditEvents store = open();
        store.keep(event(1));
        store.keep(event(2));
        Path own = events(folders().getFirst());
        // As a line whose write landed but whose fsync failed: its keep threw, the caller kept the event elsewhere.
        String stray = Files.readAllLines(own).getFirst();
        Files.writeString(own, stray + "\n", StandardOpenOption.APPEND);

        assertThat(store.oldest(100)).containsExactly(event(1), event(2));
        store.written(2);
        assertThat(store.count()).isZero();
        store.keep(event(3));
        assertThat(store.oldest(100)).containsExactly(event(3));
    }

    @Test
    void aFolderThatIsNoProcesssIsLeftAsItIs() throws IOException {
        Path lostAndFound = Files.createDirectory(directory.resolve("lost+found"));
        Files.writeString(lostAndFound.resolve("#1234"), "a volume's own");
        Path starting = Files.createDirectory(directory.resolve(FileKeptAuditEvents.STARTING + java.util.UUID.randomUUID()));

        FileKeptAuditEvents store = open();
        store.keep(event(1));

        assertThat(lostAndFound).isDirectory();
        try (Stream<Path> inside = Files.list(lostAndFound)) {
            assertThat(inside).containsExactly(lostAndFound.resolve("#1234"));
        }
        assertThat(starting).as("another process's folder in the making").isDirectory();
        assertThat(store.count()).isOne();
    }

    /**
     * A stopped process's folder that cannot be opened (a file turned into a directory, permissions) is passed by, said in
     * an ERROR, and taken once it can be: it neither refuses the start nor strands the others' events, and holds no lock
     * of this process meanwhile (ADR 0141, session 46).
     */
    @Test
    void aFolderThatCannotBeOpenedIsPassedByAndTakenOnceItCanBe() throws IOException {
        FileKeptAuditEvents first = open();
        first.keep(event(1));
        first.close();
        Path firstFolder = folders().getFirst();
        FileKeptAuditEvents second = open();
        second.keep(event(2));
        second.close();
        Path secondFolder = folders().stream().filter(f -> !f.equals(firstFolder)).findFirst().orElseThrow();
        FileKeptAuditEvents third = open();
        third.keep(event(3));
        third.close();
        Path thirdFolder = folders().stream().filter(f -> !f.equals(firstFolder) && !f.equals(secondFolder))
                .findFirst().orElseThrow();
        // The second's events cannot be opened; the third's offset cannot be read (after its events file is open).
        Path aside = Files.move(events(secondFolder), directory.resolve("aside"));
        Files.createDirectory(events(secondFolder));
        Files.createDirectory(thirdFolder.resolve(FileKeptAuditEvents.WRITTEN));

        FileKeptAuditEvents running = open();

        assertThat(running.count()).isOne();
        assertThat(running.oldest(10)).containsExactly(event(1));

        Files.delete(events(secondFolder));
        Files.move(aside, events(secondFolder));
        Files.delete(thirdFolder.resolve(FileKeptAuditEvents.WRITTEN));
        assertThat(running.takeOverStopped()).as("both taken once they can be opened").isEqualTo(2);
        assertThat(running.count()).isEqualTo(3);
    }

    /**
     * The store's own folder removed while it runs (an operator's cleanup, a volume remounted): keeps went to an unlinked
     * file, counted as kept, and the next start found nothing. The next take-over sees it and makes the folder again
     * from the lines not written (ADR 0141, session 46).
     */
    @Test
    void eventsKeptInAFolderRemovedWhileRunningAreKeptAgainInANewOne() throws IOException {
        FileKeptAuditEvents store = open();
        store.keep(event(1));
        store.keep(event(2));
        store.oldest(1);
        store.written(1);
        store.keep(event(3));
        Path own = folders().getFirst();
        try (Stream<Path> files = Files.list(own)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(own);

        store.takeOverStopped();
        store.keep(event(4));
        assertThat(store.count()).isEqualTo(3);
        store.close();

        FileKeptAuditEvents next = open();
        assertThat(next.count()).isEqualTo(3);
        assertThat(next.oldest(10)).containsExactly(event(2), event(3), event(4));
    }

    /** A rolling deploy stops an instance after its replacement started: the running one takes its events over. */
    @Test
    void whatAProcessThatStoppedSinceLeftIsTakenOverWhileRunning() {
        FileKeptAuditEvents stopping = open();
        stopping.keep(event(1));
        FileKeptAuditEvents running = open();
        running.keep(event(2));

        assertThat(running.takeOverStopped()).as("its process still runs").isZero();
        stopping.close();

        assertThat(running.takeOverStopped()).isOne();
        assertThat(running.count()).isEqualTo(2);
        assertThat(running.oldest(10)).containsExactly(event(1));
        running.written(1);
        assertThat(running.oldest(10)).containsExactly(event(2));
        assertThat(running.takeOverStopped()).as("nothing more, and not its own").isZero();
    }

    @Test
    void eventsTakenOverWhileRunningThatHappenedEarlierGiveTheOldestTime() {
        FileKeptAuditEvents stopping = open();
        stopping.keep(eventAt(1, T0));
        FileKeptAuditEvents running = open();
        running.keep(eventAt(2, T0.plusSeconds(60)));
        assertThat(running.oldestOccurredAt()).contains(T0.plusSeconds(60));

        stopping.close();
        assertThat(running.takeOverStopped()).isOne();

        assertThat(running.oldestOccurredAt()).contains(T0);
        running.oldest(10);
        running.written(1);
        assertThat(running.oldestOccurredAt()).contains(T0.plusSeconds(60));
    }

    /**
     * At a stop the job scheduler interrupts the runs still going: a keep, read or let-go on such a thread closed the
     * store's file channel for the whole process (ClosedByInterruptException), and every later keep failed.
     */
    @Test
    void aCallerThatIsInterruptedNeitherBreaksTheStoreForOthersNorLosesItsInterrupt() throws Exception {
        FileKeptAuditEvents store = open();

        assertThat(onAnInterruptedThread(() -> store.keep(event(1)))).as("the caller's interrupt flag").isTrue();
        store.keep(event(2));
        assertThat(store.oldest(10)).containsExactly(event(1), event(2));

        AtomicReference<List<AuditEvent>> read = new AtomicReference<>();
        assertThat(onAnInterruptedThread(() -> read.set(store.oldest(1)))).isTrue();
        assertThat(read.get()).containsExactly(event(1));
        assertThat(onAnInterruptedThread(() -> store.written(1))).isTrue();

        store.keep(event(3));
        assertThat(store.count()).isEqualTo(2);
        assertThat(store.oldest(10)).containsExactly(event(2), event(3));
        store.written(2);
        assertThat(store.count()).isZero();
    }

    /** Runs {@code action} on a thread whose interrupt flag is set, as a stop leaves it; whether the flag is still set. */
    private static boolean onAnInterruptedThread(Runnable action) throws InterruptedException {
        AtomicBoolean stillInterrupted = new AtomicBoolean();
        AtomicReference<RuntimeException> failed = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().start(() -> {
            Thread.currentThread().interrupt();
            try {
                action.run();
            } catch (RuntimeException e) {
                failed.set(e);
            }
            stillInterrupted.set(Thread.currentThread().isInterrupted());
        });
        thread.join();
        if (failed.get() != null) {
            throw failed.get();
        }
        return stillInterrupted.get();
    }
}
