package org.vpsrecovery.adapters.persistence.checkpoint;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.vpsrecovery.adapters.persistence.localfile.OwnerOnly;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.port.ChainCheckpoints;

/**
 * Checkpoints as JSON lines in {@value #FILE_NAME} in a directory outside the database, appended and
 * fsync'd one at a time. Processes sharing the directory take turns through an exclusive lock on the
 * file, so each checkpoint follows the one before it whoever wrote that.
 *
 * <p>A crash mid-write leaves a last line without its newline: that is no checkpoint. Readers skip it;
 * the next append cuts it off first, so it never ends up inside the file where it would read as an
 * edit. Any other line that does not read as a checkpoint is reported as damaged.
 *
 * <p>The folder and the file are closed to other users, the group's bits kept ({@link OwnerOnly}, ADR 0022, amended in
 * session 53): instances run by different users of one group share the folder. Made so when created, and others' bits
 * taken off when a store opens them as an earlier release left them by the umask.
 */
public final class FileChainCheckpoints implements ChainCheckpoints {

    public static final String FILE_NAME = "chain-checkpoints.jsonl";
    private static final int TAIL_WINDOW = 64 * 1024;
    /** File locks are held per process; threads of one process (and stores on the same file) take this first. */
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final Path directory;
    private final Path file;

    public FileChainCheckpoints(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
        this.file = this.directory.resolve(FILE_NAME);
        OwnerOnly.closeToOthersEach("audit checkpoint folder and file", "they say the chain's heads and its signatures",
                this.directory, this.file);
    }

    private FileChainCheckpoints(Path directory, Path file) {
        this.directory = directory;
        this.file = file;
    }

    /**
     * A checkpoint file under another name, such as one set aside after the database went back (named with the date,
     * ADR 0022, amended in session 51): read, not appended to.
     */
    public static FileChainCheckpoints ofFile(Path file) {
        Path absolute = Objects.requireNonNull(file, "file").toAbsolutePath().normalize();
        return new FileChainCheckpoints(absolute.getParent(), absolute);
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<ChainCheckpoint> append(Function<Optional<ChainCheckpoint>, Optional<ChainCheckpoint>> next) {
        Objects.requireNonNull(next, "next");
        ReentrantLock inProcess = IN_PROCESS.computeIfAbsent(file, path -> new ReentrantLock());
        inProcess.lock();
        try {
            Files.createDirectories(directory, OwnerOnly.groupFolder(directory));
            boolean created = !Files.exists(file);
            try (FileChannel channel = OwnerOnly.openForGroup(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
                 FileLock ignored = channel.lock()) {
                long end = completeLength(channel);
                if (end < channel.size()) {
                    // A write torn by a crash: never a checkpoint, and it must not end up mid-file.
                    channel.truncate(end);
                }
                Optional<ChainCheckpoint> latest = latestIn(channel, end);
                Optional<ChainCheckpoint> made = next.apply(latest);
                if (made.isEmpty()) {
                    return made;
                }
                ChainCheckpoints.requireFollows(made.get(), latest);
                ByteBuffer line = ByteBuffer.wrap(CheckpointJsonLine.of(made.get()));
                long position = end;
                while (line.hasRemaining()) {
                    position += channel.write(line, position);
                }
                channel.force(true);
                if (created) {
                    syncDirectory();
                }
                return made;
            }
        } catch (IOException e) {
            throw new CheckpointStoreFailure("could not append a checkpoint to " + file + ": " + e.getMessage(), e);
        } finally {
            inProcess.unlock();
        }
    }

    /** The new file's name must survive a crash as well as its content. */
    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            // Not every platform can sync a directory; the file's own content is synced regardless.
        }
    }

    @Override
    public Optional<ChainCheckpoint> latest() {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return latestIn(channel, completeLength(channel));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CheckpointStoreFailure("could not read " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Stream<StoredCheckpoint> readAll() {
        InputStream in;
        try {
            in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
        } catch (NoSuchFileException e) {
            return Stream.empty();
        } catch (IOException e) {
            throw new CheckpointStoreFailure("could not read " + file + ": " + e.getMessage(), e);
        }
        Entries entries = new Entries(in, file.getFileName().toString());
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(entries, Spliterator.ORDERED | Spliterator.NONNULL),
                false).onClose(entries::close);
    }

    /** The length up to and including the last newline: what was written whole. */
    private static long completeLength(FileChannel channel) throws IOException {
        long size = channel.size();
        ByteBuffer chunk = ByteBuffer.allocate(4096);
        long end = size;
        while (end > 0) {
            long start = Math.max(0, end - chunk.capacity());
            chunk.clear().limit((int) (end - start));
            readFully(channel, chunk, start);
            for (int i = chunk.limit() - 1; i >= 0; i--) {
                if (chunk.get(i) == '\n') {
                    return start + i + 1;
                }
            }
            end = start;
        }
        return 0;
    }

    /** The last line before {@code end} that reads as a checkpoint: from the tail, else the whole file. */
    private Optional<ChainCheckpoint> latestIn(FileChannel channel, long end) throws IOException {
        long start = Math.max(0, end - TAIL_WINDOW);
        ByteBuffer tail = ByteBuffer.allocate((int) (end - start));
        readFully(channel, tail, start);
        byte[] bytes = tail.array();
        int lineEnd = bytes.length - 1;
        // bytes ends with a newline; a line cut by the start of the window is never parsed.
        for (int i = bytes.length - 2; i >= (start == 0 ? -1 : 0); i--) {
            if (i == -1 || bytes[i] == '\n') {
                try {
                    return Optional.of(CheckpointJsonLine.parse(Arrays.copyOfRange(bytes, i + 1, lineEnd)));
                } catch (IllegalArgumentException damaged) {
                    lineEnd = i; // an older one may still read
                }
            }
        }
        if (start == 0) {
            return Optional.empty();
        }
        // Nothing readable in the tail: only after damage, so the slow way is fine.
        Optional<ChainCheckpoint> latest = Optional.empty();
        try (Stream<StoredCheckpoint> entries = readAll()) {
            for (StoredCheckpoint entry : (Iterable<StoredCheckpoint>) entries::iterator) {
                if (entry instanceof StoredCheckpoint.Readable readable) {
                    latest = Optional.of(readable.checkpoint());
                }
            }
        }
        return latest;
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new IOException("the file shrank while being read");
            }
            at += read;
        }
        buffer.flip();
    }

    /** Reads entry by entry; a last line without its newline (a torn write) is not an entry. */
    private static final class Entries implements Iterator<StoredCheckpoint> {
        private final InputStream in;
        private final String name;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(512);
        private long lineNumber;
        private long lastReadableSequence;
        private StoredCheckpoint next;

        Entries(InputStream in, String name) {
            this.in = in;
            this.name = name;
        }

        @Override
        public boolean hasNext() {
            if (next == null) {
                next = readNext();
            }
            return next != null;
        }

        @Override
        public StoredCheckpoint next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            StoredCheckpoint entry = next;
            next = null;
            return entry;
        }

        private StoredCheckpoint readNext() {
            line.reset();
            int b;
            try {
                while ((b = in.read()) != -1 && b != '\n') {
                    line.write(b);
                }
            } catch (IOException e) {
                throw new CheckpointStoreFailure("could not read " + name + ": " + e.getMessage(), e);
            }
            if (b == -1) {
                return null; // the end, or a torn last line
            }
            lineNumber++;
            try {
                ChainCheckpoint checkpoint = CheckpointJsonLine.parse(line.toByteArray());
                lastReadableSequence = checkpoint.sequence();
                return new StoredCheckpoint.Readable(checkpoint);
            } catch (IllegalArgumentException damaged) {
                return new StoredCheckpoint.Unreadable(lastReadableSequence, name + " line " + lineNumber,
                        damaged.getMessage());
            }
        }

        void close() {
            try {
                in.close();
            } catch (IOException e) {
                // read-only: nothing to lose
            }
        }
    }
}
