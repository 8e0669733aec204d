package org.vpsrecovery.adapters.persistence.kept;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.persistence.localfile.OwnerOnly;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.port.KeptAuditEvents;

/**
 * Kept audit events as lines in files (ADR 0141). Each process keeps its own in a folder of its own
 * under {@code directory}, named at random and locked while the process lives ({@value #OWNER_LOCK}):
 * lines of {@value #EVENTS}, each {@code <CRC-32C, 8 hex> <JSON>}, appended and fsync'd one by one, and
 * {@value #WRITTEN} saying how far the history has them. At its start a process takes over every folder
 * whose lock it can take (its process stopped, however) and gives those events first.
 *
 * <p>A crash mid-append leaves a last line without its newline: that event was never kept (its append
 * did not return), and the tail is cut off. A line that ends but does not read as an event (its checksum
 * does not match, or a later release wrote it) is set aside in {@value #UNREADABLE} beside the folders,
 * for an operator, and said so in an ERROR: never dropped unseen, never in the way of those after it. At the start and
 * at each flush, the lines set aside that read as events in this release (a later release's, once the directory runs
 * it again) are taken back and written like any kept event; the others stay, said in a WARN with their count (ADR 0141,
 * amended in session 48).
 *
 * <p>The files are read and written on a thread of the store's own, which no caller can interrupt: a
 * {@link FileChannel} closes itself for good when the thread using it is interrupted
 * ({@link java.nio.channels.ClosedByInterruptException}), and callers are interrupted at a stop (the job
 * scheduler interrupts the runs still going). A caller waits for the outcome even when interrupted, and keeps its
 * interrupt flag.
 *
 * <p>Each folder knows, in memory, when its first event not written happened: learnt from that line when the folder is
 * taken (at the start, or over from a stopped process) and when events are let go, and from the event itself when one
 * is kept into an empty folder. {@link #oldestOccurredAt} reads no file and takes no lock (ADR 0038, session 44).
 */
public final class FileKeptAuditEvents implements KeptAuditEvents, AutoCloseable {

    static final String OWNER_LOCK = "owner.lock";
    static final String EVENTS = "events.jsonl";
    static final String WRITTEN = "written.offset";
    static final String UNREADABLE = "unreadable-events.jsonl";
    /** The prefix of a folder being made: no other process takes it over. */
    static final String STARTING = ".starting-";
    private static final int CHECKSUM_LENGTH = 8;
    private static final int READ_CHUNK = 64 * 1024;

    private static final Logger LOG = LoggerFactory.getLogger(FileKeptAuditEvents.class);
    /** Folders a store of this JVM holds (its own, those it took over): their lock files are never opened again here. */
    private static final java.util.Set<Path> HELD_HERE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private final Path directory;
    /** The lines set aside, shared by the processes on the directory. */
    private final SetAsideLines setAside;
    /**
     * One call at a time, as the monitor it replaces (ADR 0141, session 45): a lock, because a caller parks inside it
     * until the store's thread is done, and on JDK 21-23 a virtual thread parked inside a monitor pins its carrier.
     */
    private final ReentrantLock oneAtATime = new ReentrantLock();
    /** The one thread that touches the files (see above); a daemon, so a store never closed holds no JVM up. */
    private final ExecutorService files = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("kept-audit-events").daemon().factory());
    private final Deque<Folder> adopted = new ArrayDeque<>();
    /** Stopped processes' folders a scan could not open, already said in an ERROR: touched on the store's thread only. */
    private final java.util.Set<Path> unopenable = new java.util.HashSet<>();
    /** This process's folder: made again if it was removed while running ({@link #keepOwnFolderInPlace}). */
    private Folder own;
    /** The folder {@link #oldest} last read, and the byte length of each line it gave. */
    private Folder lastFolder;
    private final List<Integer> lastLengths = new ArrayList<>();
    /** The earliest of the folders' first events, noted after every change: read by a metrics scrape without the lock. */
    private volatile Instant oldestOccurredAt;

    public FileKeptAuditEvents(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.setAside = new SetAsideLines(this.directory);
        try {
            own = onOwnThread(() -> {
                Files.createDirectories(this.directory, OwnerOnly.folder(this.directory));
                OwnerOnly.tighten(this.directory);
                adopt(orphans());
                takeBackSetAside();
                return newOwnFolder();
            });
            noteOldest();
        } catch (IOException e) {
            files.shutdown();
            // toString: the message of an AccessDeniedException, say, is only the path, not what was denied.
            throw new UncheckedIOException("cannot keep audit events in " + this.directory + ": " + e, e);
        } catch (RuntimeException e) {
            files.shutdown();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    /** A new folder of this process's, locked: made under a name the other processes' scans skip, then put in place. */
    private Folder newOwnFolder() throws IOException {
        Files.createDirectories(directory, OwnerOnly.folder(directory));
        String name = UUID.randomUUID().toString();
        Path starting = Files.createDirectory(directory.resolve(STARTING + name), OwnerOnly.folder(directory));
        Folder locked = Folder.take(starting, true).orElseThrow(() -> new IOException("cannot lock " + starting));
        Path mine = directory.resolve(name);
        Files.move(starting, mine, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return locked.movedTo(mine);
    }

    /**
     * This process's folder, made again when it was removed while the process runs (an operator's clean-up, a volume
     * remounted under it): keeps still went to the removed file, counted as kept, and no later start would have found
     * them. Seen from {@value #EVENTS} no longer being the file this store opened; its lines not written are copied from
     * that file, still open, into a new folder (ADR 0141, session 46).
     */
    private void keepOwnFolderInPlace() throws IOException {
        if (own.eventsKey == null || own.eventsKey.equals(Folder.fileKey(own.path.resolve(EVENTS)))) {
            return;
        }
        Folder removed = own;
        Folder made = newOwnFolder();
        try {
            long at = removed.readFrom;
            while (at < removed.end) {
                long copied = removed.events.transferTo(at, removed.end - at, made.events);
                if (copied <= 0) {
                    throw new IOException("cannot read " + removed.path.resolve(EVENTS) + " past byte " + at);
                }
                at += copied;
            }
            made.events.force(false);
        } catch (IOException | RuntimeException e) {
            made.delete();
            throw e;
        }
        made.end = removed.end - removed.readFrom;
        made.count = removed.count;
        made.firstOccurredAt = removed.firstOccurredAt;
        LOG.error("the folder of this process's kept audit events, {}, was removed while it ran: its {} event(s) not "
                + "written are kept again in {}", removed.path, removed.count, made.path);
        if (lastFolder == removed) {
            lastFolder = made; // the same lines from its start: the lengths last read still hold
        }
        own = made;
        removed.release();
    }

    @FunctionalInterface
    private interface FileWork<T> {
        T run() throws IOException;
    }

    /**
     * Does {@code work} on the store's own thread and gives its outcome. An interrupt of the caller does not stop it
     * (the keep may be on disk already): the caller waits for it all the same and gets its interrupt flag back.
     */
    private <T> T onOwnThread(FileWork<T> work) throws IOException {
        Future<T> outcome;
        try {
            outcome = files.submit(work::run);
        } catch (RejectedExecutionException closed) {
            // Closed under a flush still running: an I/O failure to its callers, as the closed channel was before.
            throw new IOException("the kept audit events store is closed", closed);
        }
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return outcome.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (ExecutionException e) {
                    switch (e.getCause()) {
                        case IOException io -> throw io;
                        case RuntimeException unexpected -> throw unexpected;
                        case Error error -> throw error;
                        default -> throw new IllegalStateException(e.getCause());
                    }
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public void keep(AuditEvent event) {
        oneAtATime.lock();
        try {
            Objects.requireNonNull(event, "event");
            byte[] json = KeptEventLine.of(event);
            CRC32C crc = new CRC32C();
            crc.update(json);
            byte[] checksum = HexFormat.of().toHexDigits((int) crc.getValue()).getBytes(StandardCharsets.US_ASCII);
            ByteBuffer line = ByteBuffer.allocate(CHECKSUM_LENGTH + 1 + json.length + 1)
                    .put(checksum).put((byte) ' ').put(json).put((byte) '\n').flip();
            try {
                onOwnThread(() -> {
                    try {
                        long at = own.end;
                        while (line.hasRemaining()) {
                            at += own.events.write(line, at);
                        }
                        own.events.force(false);
                        own.end = at;
                        if (own.count == 0) {
                            own.firstOccurredAt = event.occurredAt();
                        }
                        own.count++;
                        return null;
                    } catch (IOException e) {
                        // Not kept: cut back, so no reader counts a line whose keep failed (the caller keeps it
                        // elsewhere).
                        try {
                            own.events.truncate(own.end);
                        } catch (IOException alsoFailed) {
                            e.addSuppressed(alsoFailed);
                        }
                        throw e;
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException("cannot keep an audit event in " + own.path + ": " + e.getMessage(), e);
            }
            noteOldest();
        } finally {
            oneAtATime.unlock();
        }
    }

    @Override
    public List<AuditEvent> oldest(int max) {
        oneAtATime.lock();
        try {
            if (max < 1) {
                throw new IllegalArgumentException("max must be positive");
            }
            lastLengths.clear();
            lastFolder = null;
            try {
                return onOwnThread(() -> {
                    while (!adopted.isEmpty() && adopted.peekFirst().count == 0) {
                        adopted.removeFirst().delete();
                    }
                    Folder from = adopted.isEmpty() ? own : adopted.peekFirst();
                    if (from.count == 0) {
                        return List.of();
                    }
                    List<AuditEvent> events = new ArrayList<>();
                    try {
                        from.read(max, (event, length) -> {
                            events.add(event);
                            lastLengths.add(length);
                        }, setAside);
                    } catch (IOException e) {
                        throw new IOException("cannot read kept audit events in " + from.path + ": " + e.getMessage(), e);
                    }
                    lastFolder = from;
                    return events;
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e.getMessage(), e);
            } finally {
                noteOldest(); // empty folders removed, lines that are no events set aside
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    @Override
    public void written(int count) {
        oneAtATime.lock();
        try {
            if (count < 0 || count > lastLengths.size()) {
                throw new IllegalArgumentException("only events last read can be let go: " + count + " of "
                        + lastLengths.size());
            }
            if (count == 0) {
                return;
            }
            long bytes = 0;
            for (int i = 0; i < count; i++) {
                bytes += lastLengths.get(i);
            }
            lastLengths.subList(0, count).clear();
            Folder folder = lastFolder;
            long lines = count;
            long letGo = bytes;
            try {
                onOwnThread(() -> {
                    folder.letGo(lines, letGo);
                    return null;
                });
            } catch (IOException e) {
                // Not remembered: they are read again, and the writer looks before writing one twice.
                LOG.warn("cannot note in {} that {} kept audit event(s) are written: {}", lastFolder.path, count,
                        e.getMessage());
            } finally {
                noteOldest();
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    @Override
    public long count() {
        oneAtATime.lock();
        try {
            long count = own.count;
            for (Folder folder : adopted) {
                count += folder.count;
            }
            return count;
        } finally {
            oneAtATime.unlock();
        }
    }

    @Override
    public Optional<Instant> oldestOccurredAt() {
        return Optional.ofNullable(oldestOccurredAt);
    }

    /** Notes the earliest of the folders' first events; called, under the store's lock, after each change. */
    private void noteOldest() {
        Instant oldest = own.firstOccurredAt();
        for (Folder folder : adopted) {
            Instant first = folder.firstOccurredAt();
            if (first != null && (oldest == null || first.isBefore(oldest))) {
                oldest = first;
            }
        }
        oldestOccurredAt = oldest;
    }

    @Override
    public long takeOverStopped() {
        oneAtATime.lock();
        try {
            try {
                // This process's own folder and those it took over are held here: the scan passes them by.
                return onOwnThread(() -> {
                    try {
                        keepOwnFolderInPlace();
                    } catch (IOException e) {
                        LOG.error("the folder of this process's kept audit events, {}, was removed while it ran and "
                                + "cannot be made again ({}): tried again at the next flush", own.path, e.toString());
                    }
                    return adopt(orphans()) + takeBackSetAside();
                });
            } catch (IOException e) {
                LOG.warn("cannot look for audit events other processes left kept in {}: {}", directory, e.toString());
                return 0;
            } finally {
                noteOldest();
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    /** Takes the stopped processes' folders: those holding events after those taken before, the empty ones removed. */
    private long adopt(List<Folder> orphans) {
        long taken = 0;
        for (Folder orphan : orphans) {
            if (orphan.count == 0) {
                orphan.delete();
            } else {
                LOG.warn("{} audit event(s) kept by a process that stopped before writing them ({}) are written "
                        + "by this one", orphan.count, orphan.path);
                adopted.add(orphan);
                taken += orphan.count;
            }
        }
        return taken;
    }

    /**
     * Takes back the lines set aside that read as events in this release (a later release wrote them, and the directory
     * runs it again: a re-upgrade after a rollback, or the newer instance beside an older one while rolling): kept again
     * in a folder of this process's, given after the folders taken over and written by the flush like any kept event,
     * once (a stop before they leave the file gives them again; the flush's look-up finds them written). Lines still
     * unreadable stay, said in a WARN with their count whenever the file changed. Never refuses the start: a failure is
     * said in an ERROR and tried again at the next flush. Returns how many events it took back.
     */
    private long takeBackSetAside() {
        long[] taken = {0};
        try {
            SetAsideLines.TakenBack look = setAside.takeBack(line -> Folder.readable(Folder.checked(line)), lines -> {
                keepAgain(lines);
                taken[0] = lines.size();
            });
            if (look.taken() > 0) {
                LOG.warn("{} audit event(s) set aside in {} read as events in this release: taken back, written by the "
                        + "flush", look.taken(), setAside.file());
            }
            if (look.stillUnreadable() > 0) {
                LOG.warn("{} line(s) set aside in {} still do not read as events here (damaged, or of a later release): "
                        + "they stay there; a release that reads them takes them back", look.stillUnreadable(),
                        setAside.file());
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot take back the audit events set aside in {} ({}): tried again at the next flush",
                    setAside.file(), e.toString());
        }
        return taken[0];
    }

    /** Keeps whole lines (checksum and JSON, without their newline) in a new folder of this process's, given in turn. */
    private void keepAgain(List<byte[]> lines) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(lines.stream().mapToInt(line -> line.length + 1).sum());
        lines.forEach(line -> bytes.put(line).put((byte) '\n'));
        bytes.flip();
        Folder folder = newOwnFolder();
        try {
            long at = 0;
            while (bytes.hasRemaining()) {
                at += folder.events.write(bytes, at);
            }
            folder.events.force(false);
            folder.end = at;
            folder.count = lines.size();
            folder.learnFirst();
        } catch (IOException | RuntimeException e) {
            folder.delete();
            throw e;
        }
        adopted.add(folder);
    }

    /** Lets the folder go; what it still keeps is taken over by the next process to start on the directory. */
    @Override
    public void close() {
        oneAtATime.lock();
        try {
            if (files.isShutdown()) {
                return; // closed already
            }
            try {
                onOwnThread(() -> {
                    for (Folder folder : adopted) {
                        folder.release();
                    }
                    if (own.count == 0) {
                        own.delete();
                    } else {
                        own.release();
                    }
                    return null;
                });
            } catch (IOException cannotHappen) {
                throw new UncheckedIOException(cannotHappen);
            } finally {
                files.shutdown();
            }
        } finally {
            oneAtATime.unlock();
        }
    }

    /**
     * The folders of processes that stopped: those whose lock can be taken, oldest first. One that cannot be opened or
     * read is passed by, said in an ERROR (once while it stays so), and tried again at the next scan: it neither refuses
     * the start nor keeps the others' events from being taken (ADR 0141, session 46).
     */
    private List<Folder> orphans() throws IOException {
        List<Folder> orphans = new ArrayList<>();
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(directory, Files::isDirectory)) {
            for (Path folder : folders) {
                // Only a process's folder: anything else there (lost+found of a volume's root) is not this store's.
                // Never one this store holds: closing any channel of a locked file lets go of the process's lock on it.
                if (isProcessFolder(folder) && !holds(folder)) {
                    try {
                        Folder.take(folder, false).ifPresent(orphans::add);
                        unopenable.remove(folder);
                    } catch (IOException | RuntimeException e) {
                        if (unopenable.add(folder)) {
                            LOG.error("cannot take over {}, a stopped process's folder of kept audit events ({}): its "
                                    + "events wait there until it can be read (look at its files, their owner and "
                                    + "permissions); tried again at each flush", folder, e.toString());
                        } else {
                            LOG.debug("still cannot take over {}: {}", folder, e.toString());
                        }
                    }
                }
            }
        } catch (java.nio.file.DirectoryIteratorException e) {
            // The folders taken so far are held: given, not stranded.
            LOG.error("cannot list all the folders of kept audit events in {}: {}", directory, e.getCause().toString());
        }
        orphans.sort(Comparator.comparing(Folder::started));
        return orphans;
    }

    private static boolean holds(Path folder) {
        return HELD_HERE.contains(folder.toAbsolutePath().normalize());
    }

    private static boolean isProcessFolder(Path folder) {
        try {
            UUID.fromString(folder.getFileName().toString());
        } catch (IllegalArgumentException notOurs) {
            return false;
        }
        return Files.isRegularFile(folder.resolve(OWNER_LOCK));
    }

    /** One process's folder, held by its lock. */
    private static final class Folder {
        Path path;
        final FileChannel lockChannel;
        final FileLock lock;
        final FileChannel events;
        /** Bytes of whole lines; where the history's events start; how many events are not written. */
        long end;
        long readFrom;
        long count;
        /** When the first event not written happened; null when none is kept (or none of those kept reads as one). */
        Instant firstOccurredAt;
        /** The identity of the {@value #EVENTS} file opened (an inode), or null where the file system has none. */
        Object eventsKey;

        private Folder(Path path, FileChannel lockChannel, FileLock lock, FileChannel events) {
            this.path = path.toAbsolutePath().normalize();
            this.lockChannel = lockChannel;
            this.lock = lock;
            this.events = events;
        }

        /**
         * The folder, locked, its whole lines counted; empty when another process (or store) holds it, or it went
         * (another process took it over and removed it meanwhile). {@code create}: a new folder of this process's.
         */
        static java.util.Optional<Folder> take(Path path, boolean create) throws IOException {
            FileChannel lockChannel;
            try {
                lockChannel = create
                        ? OwnerOnly.open(path.resolve(OWNER_LOCK), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                        : FileChannel.open(path.resolve(OWNER_LOCK), StandardOpenOption.WRITE);
            } catch (NoSuchFileException gone) {
                return java.util.Optional.empty();
            }
            FileLock lock;
            FileChannel events;
            try {
                try {
                    lock = lockChannel.tryLock();
                } catch (OverlappingFileLockException heldHere) {
                    lock = null;
                }
                // Locked only once its owner removed it: the lock is of a file no longer there.
                if (lock == null || !create && !Files.isRegularFile(path.resolve(OWNER_LOCK))) {
                    lockChannel.close();
                    return java.util.Optional.empty();
                }
                try {
                    events = create
                            ? OwnerOnly.open(path.resolve(EVENTS), StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                                    StandardOpenOption.WRITE)
                            : FileChannel.open(path.resolve(EVENTS), StandardOpenOption.READ, StandardOpenOption.WRITE);
                } catch (NoSuchFileException gone) {
                    lockChannel.close();
                    return java.util.Optional.empty();
                }
            } catch (IOException | RuntimeException | Error e) {
                // Not taken: let go of the lock, or no scan of this process could take the folder again.
                closeAfter(lockChannel, e);
                throw e;
            }
            Folder folder = new Folder(path, lockChannel, lock, events);
            HELD_HERE.add(folder.path);
            try {
                folder.eventsKey = fileKey(path.resolve(EVENTS));
                folder.readFrom = folder.writtenOffset();
                folder.countLines();
                folder.learnFirst();
            } catch (IOException | RuntimeException | Error e) {
                folder.release(); // the mark and the lock, so the next scan tries it again
                throw e;
            }
            return java.util.Optional.of(folder);
        }

        /** The file's identity (an inode), or null where the file system has none or the file is gone. */
        static Object fileKey(Path file) throws IOException {
            try {
                return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
            } catch (NoSuchFileException gone) {
                return null;
            }
        }

        private static void closeAfter(FileChannel channel, Throwable failure) {
            try {
                channel.close();
            } catch (IOException alsoFailed) {
                failure.addSuppressed(alsoFailed);
            }
        }

        /** This folder, now at {@code moved} (its files and lock go with it). */
        Folder movedTo(Path moved) {
            HELD_HERE.add(moved.toAbsolutePath().normalize());
            HELD_HERE.remove(path);
            path = moved.toAbsolutePath().normalize();
            return this;
        }

        /** When the first event not written happened, or null when nothing is kept here. */
        Instant firstOccurredAt() {
            return count == 0 ? null : firstOccurredAt;
        }

        /**
         * Reads when the first event not written happened from its line: one line, or a few more when those at the head
         * do not read as events (they are set aside at the next read; the time is that of the first event after them).
         */
        private void learnFirst() throws IOException {
            if (count == 0) {
                firstOccurredAt = null;
                return;
            }
            // Noted once the read succeeds: a read that fails keeps the time before it, which errs long, never none.
            Instant[] first = {null};
            scan(readFrom, end, Long.MAX_VALUE, (json, text, length) -> {
                if (!readable(json)) {
                    return true;
                }
                first[0] = KeptEventLine.read(json).occurredAt();
                return false;
            });
            firstOccurredAt = first[0];
        }

        java.nio.file.attribute.FileTime started() {
            try {
                return Files.getLastModifiedTime(path.resolve(OWNER_LOCK));
            } catch (IOException e) {
                return java.nio.file.attribute.FileTime.fromMillis(0);
            }
        }

        private long writtenOffset() throws IOException {
            try {
                long offset = Long.parseLong(Files.readString(path.resolve(WRITTEN), StandardCharsets.US_ASCII).strip());
                return Math.max(0, Math.min(offset, events.size()));
            } catch (NoSuchFileException | NumberFormatException none) {
                return 0;
            }
        }

        /** Counts the lines from readFrom; a torn tail (no newline) is cut off, so appends go after the last whole line. */
        private void countLines() throws IOException {
            long[] at = {readFrom};
            long[] lines = {0};
            scan(readFrom, events.size(), Long.MAX_VALUE, (json, text, length) -> {
                lines[0]++;
                at[0] += length;
                return true;
            });
            count = lines[0];
            end = at[0];
            if (events.size() > end) {
                LOG.warn("{} byte(s) at the end of {} are no whole kept event (a stop mid-append): cut off",
                        events.size() - end, path.resolve(EVENTS));
                events.truncate(end);
            }
        }

        interface LineSink {
            /** Takes one whole line: its JSON (null when its checksum does not match), its text, its length; false to stop. */
            boolean accept(byte[] json, byte[] text, int length);
        }

        /** Gives up to {@code max} lines that end in a newline from {@code from} to {@code limit}, each with its length. */
        private void scan(long from, long limit, long max, LineSink sink) throws IOException {
            long position = from;
            long given = 0;
            ByteBuffer buffer = ByteBuffer.allocate(READ_CHUNK);
            long size = Math.min(limit, events.size());
            while (given < max && position < size) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), size - position));
                int read = events.read(buffer, position);
                if (read <= 0) {
                    return;
                }
                byte[] bytes = buffer.array();
                int lineStart = 0;
                for (int i = 0; i < read && given < max; i++) {
                    if (bytes[i] != '\n') {
                        continue;
                    }
                    int length = i + 1 - lineStart;
                    byte[] text = java.util.Arrays.copyOfRange(bytes, lineStart, i);
                    if (!sink.accept(checked(text), text, length)) {
                        return;
                    }
                    given++;
                    lineStart = i + 1;
                }
                if (lineStart == 0) {
                    if (position + read >= size) {
                        return; // no newline before the end: a torn last line
                    }
                    buffer = ByteBuffer.allocate(buffer.capacity() * 2); // a line longer than the chunk
                    continue;
                }
                position += lineStart;
            }
        }

        /** The line's JSON when its checksum matches, else null. */
        private static byte[] checked(byte[] text) {
            if (text.length < CHECKSUM_LENGTH + 3 || text[CHECKSUM_LENGTH] != ' ') {
                return null;
            }
            byte[] json = java.util.Arrays.copyOfRange(text, CHECKSUM_LENGTH + 1, text.length);
            CRC32C crc = new CRC32C();
            crc.update(json);
            String expected = new String(text, 0, CHECKSUM_LENGTH, StandardCharsets.US_ASCII);
            return HexFormat.of().toHexDigits((int) crc.getValue()).equals(expected) ? json : null;
        }

        interface EventSink {
            void accept(AuditEvent event, int length);
        }

        /**
         * Gives up to {@code max} events from the first not written, stopping before a line that does not read as an
         * event (damaged, or written by a later release). Such lines at the head are set aside in {@code setAside},
         * said in an ERROR, and let go first: never dropped unseen, never in the way of the events after them.
         */
        void read(int max, EventSink sink, SetAsideLines setAside) throws IOException {
            List<byte[]> unreadable = new ArrayList<>();
            long[] setAsideBytes = {0};
            scan(readFrom, end, Long.MAX_VALUE, (json, text, length) -> {
                if (readable(json)) {
                    return false;
                }
                unreadable.add(text);
                setAsideBytes[0] += length;
                return true;
            });
            if (!unreadable.isEmpty()) {
                setAside.add(unreadable);
                LOG.error("{} kept audit event line(s) in {} do not read as events (damaged, or of a later release): "
                        + "set aside in {} (a release that reads them takes them back)", unreadable.size(), path,
                        setAside.file());
                letGo(unreadable.size(), setAsideBytes[0]);
            }
            scan(readFrom, end, max, (json, text, length) -> {
                if (!readable(json)) {
                    return false; // the head of the next read
                }
                sink.accept(KeptEventLine.read(json), length);
                return true;
            });
        }

        private static boolean readable(byte[] json) {
            if (json == null) {
                return false;
            }
            try {
                KeptEventLine.read(json);
                return true;
            } catch (IllegalArgumentException notAnEvent) {
                return false;
            }
        }

        /**
         * The first {@code lines} ({@code bytes}) from readFrom are written. Where reading starts is saved first; a
         * folder all written then starts over empty (an offset saved but not followed by the cut only reads written
         * events again, which the writer finds in the history; a cut before its offset would lose later events).
         */
        void letGo(long lines, long bytes) throws IOException {
            if (lines > count || readFrom + bytes > end) {
                throw new IllegalStateException("more let go than kept in " + path);
            }
            readFrom += bytes;
            count -= lines;
            boolean allWritten = count == 0 && readFrom == end;
            saveOffset(allWritten ? 0 : readFrom);
            if (allWritten) {
                events.truncate(0);
                events.force(true);
                readFrom = 0;
                end = 0;
            }
            // Not reached when the save failed: the time stays that of an event written, older than the truth, until
            // the next let-go; an age that errs long never hides events that wait.
            learnFirst();
        }

        private void saveOffset(long offset) throws IOException {
            Path written = path.resolve(WRITTEN);
            Path next = path.resolve(WRITTEN + ".next");
            OwnerOnly.write(next, Long.toString(offset).getBytes(StandardCharsets.US_ASCII), StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.SYNC);
            Files.move(next, written, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }

        void release() {
            if (!lockChannel.isOpen()) {
                return; // let go already (a store closed twice)
            }
            HELD_HERE.remove(path);
            try {
                events.close();
            } catch (IOException e) {
                LOG.warn("cannot close {}: {}", path.resolve(EVENTS), e.toString());
            }
            try {
                lock.release();
            } catch (IOException e) {
                LOG.warn("cannot let go of the lock of {}: {}", path, e.toString());
            } finally {
                try {
                    lockChannel.close(); // which lets go of the lock in any case
                } catch (IOException e) {
                    LOG.warn("cannot close {}: {}", path.resolve(OWNER_LOCK), e.toString());
                }
            }
        }

        /** Removes the folder while still holding its lock, so no other process takes it over half removed. */
        void delete() {
            try {
                Files.deleteIfExists(path.resolve(EVENTS));
                Files.deleteIfExists(path.resolve(WRITTEN));
                Files.deleteIfExists(path.resolve(WRITTEN + ".next"));
                Files.deleteIfExists(path.resolve(OWNER_LOCK));
                Files.deleteIfExists(path);
            } catch (IOException e) {
                LOG.warn("cannot remove {}, whose kept audit events are all written: {}", path, e.getMessage());
            } finally {
                release();
            }
        }
    }
}
