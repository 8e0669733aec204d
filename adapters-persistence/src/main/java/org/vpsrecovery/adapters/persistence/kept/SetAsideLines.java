package org.vpsrecovery.adapters.persistence.kept;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import org.vpsrecovery.adapters.persistence.localfile.OwnerOnly;

/**
 * The lines of kept audit events that did not read as events where they were read ({@value FileKeptAuditEvents#UNREADABLE}
 * beside the processes' folders, ADR 0141): damaged, or written by a later release. Shared by every process on the
 * directory, so each change is made under a lock file of its own ({@value #LOCK}), never renamed; releases before
 * session 48 appended without it (see {@link #takeBack}).
 *
 * <p>A line a later release wrote is readable again once this directory runs that release (a re-upgrade after a
 * rollback, or the newer instance of a rolling deploy beside an older one): {@link #takeBack} hands such lines over to be
 * kept again, and leaves here only those still unreadable (ADR 0141, amended in session 48).
 */
final class SetAsideLines {

    static final String LOCK = "unreadable-events.lock";

    /** Stores of one JVM on one directory: a second {@link FileChannel#lock} of the same file in a JVM throws. */
    private static final ReentrantLock IN_THIS_JVM = new ReentrantLock();

    private final Path file;
    private final Path lockFile;
    /** The file as last looked at (its identity, size and time): unchanged, there is nothing new to take back. */
    private Object lastLook;

    SetAsideLines(Path directory) {
        this.file = directory.resolve(FileKeptAuditEvents.UNREADABLE);
        this.lockFile = directory.resolve(LOCK);
    }

    Path file() {
        return file;
    }

    /** Adds whole lines (each without its newline) after those set aside before, on disk when it returns. */
    void add(List<byte[]> lines) throws IOException {
        ByteBuffer bytes = joined(lines);
        underLock(() -> {
            try (FileChannel out = OwnerOnly.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                while (bytes.hasRemaining()) {
                    out.write(bytes);
                }
                out.force(false);
            }
            return null;
        });
    }

    /** What a look at the file found. {@code stillUnreadable} is -1 when the file did not change since the last look. */
    record TakenBack(int taken, int stillUnreadable) {
    }

    @FunctionalInterface
    interface Keeper {
        /** Keeps {@code lines} (whole lines, without their newline) durably, or throws. */
        void keep(List<byte[]> lines) throws IOException;
    }

    /**
     * Hands the lines that are {@code readable} now to {@code keeper}, then leaves in the file only the others. Kept
     * first, removed after: a stop between the two only gives those lines a second time, and the flush's look-up before
     * each write finds them in the history (ADR 0141, amended in session 36). The file is replaced whole (atomically);
     * an append by a release before session 48, which takes no lock, that lands in the replaced file after it was read
     * is copied into the new one: only one landing in the moment between that copy and the replacement would be lost.
     * Identical lines (the same bytes) are handed over once.
     */
    TakenBack takeBack(Predicate<byte[]> readable, Keeper keeper) throws IOException {
        Object look = look();
        if (look == null || look.equals(lastLook)) {
            if (look == null) {
                lastLook = null;
            }
            return new TakenBack(0, -1);
        }
        return underLock(() -> {
            Object read = look();
            if (read == null) {
                lastLook = null;
                return new TakenBack(0, -1);
            }
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                long size = in.size();
                List<byte[]> lines = lines(in, 0, size);
                // Each line once: one set aside twice (a process stopped between its append here and its saved
                // offset sets the same lines aside again at its next start) would be kept twice in one batch, and
                // the flush's look-up before that batch's write finds neither copy (ADR 0141, amended in session 48).
                List<byte[]> back = lines.stream().filter(readable).map(ByteBuffer::wrap).distinct()
                        .map(ByteBuffer::array).toList();
                List<byte[]> left = lines.stream().filter(readable.negate()).toList();
                if (back.isEmpty()) {
                    lastLook = read;
                    return new TakenBack(0, left.size());
                }
                keeper.keep(back);
                // Kept: not kept again while the file stays as read, should its replacement below fail.
                lastLook = read;
                Path next = file.resolveSibling(file.getFileName() + ".next");
                OwnerOnly.write(next, joined(left).array(), StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                        StandardOpenOption.WRITE, StandardOpenOption.SYNC);
                Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                if (in.size() > size) {
                    List<byte[]> late = lines(in, size, in.size());
                    ByteBuffer bytes = joined(late);
                    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                        while (bytes.hasRemaining()) {
                            out.write(bytes);
                        }
                        out.force(false);
                    }
                    left = new ArrayList<>(left);
                    left.addAll(late);
                    lastLook = null; // looked at again at the next call: what came late may be readable
                } else {
                    lastLook = look();
                }
                return new TakenBack(back.size(), left.size());
            }
        });
    }

    /** The file's identity, size and time, or null when there is no file. */
    private Object look() throws IOException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Arrays.asList(attributes.fileKey(), attributes.size(), attributes.lastModifiedTime());
        } catch (NoSuchFileException none) {
            return null;
        }
    }

    /** The lines from {@code from} to {@code to}; a last one without its newline (an append cut short) is one too. */
    private static List<byte[]> lines(FileChannel in, long from, long to) throws IOException {
        ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(to - from));
        while (all.hasRemaining()) {
            if (in.read(all, from + all.position()) < 0) {
                break;
            }
        }
        byte[] bytes = Arrays.copyOf(all.array(), all.position());
        List<byte[]> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i > start) {
                    lines.add(Arrays.copyOfRange(bytes, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    private static ByteBuffer joined(List<byte[]> lines) {
        ByteBuffer bytes = ByteBuffer.allocate(lines.stream().mapToInt(line -> line.length + 1).sum());
        lines.forEach(line -> bytes.put(line).put((byte) '\n'));
        return bytes.flip();
    }

    @FunctionalInterface
    private interface LockedWork<T> {
        T run() throws IOException;
    }

    private <T> T underLock(LockedWork<T> work) throws IOException {
        IN_THIS_JVM.lock();
        try (FileChannel channel = OwnerOnly.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock ignored = channel.lock()) {
            return Objects.requireNonNull(work, "work").run();
        } finally {
            IN_THIS_JVM.unlock();
        }
    }
}
