package org.vpsrecovery.bootstrap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded default's data directory, held by one service process at a time, and cleared of
 * what a crashed predecessor left running.
 *
 * <p>zonky starts PostgreSQL with {@code pg_ctl start}, which runs the postmaster as a daemon: when
 * the service's JVM is killed ({@code kill -9}, OOM killer), the postmaster keeps running on the
 * data directory with its {@code postmaster.pid}, and the next start on that directory fails. So
 * the service first takes {@value #LOCK_FILE} in the data directory (the operating system releases
 * it when the process dies, however it dies). Holding it, no other live vps-recovery can be using
 * the directory, so a postmaster still running there is an orphan: it is stopped (SIGTERM, a clean
 * shutdown) once its pid is shown to be a {@code postgres} started with {@code -D} this directory.
 * Nothing else is ever signalled.
 */
public final class EmbeddedDataDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDataDirectory.class);

    static final String LOCK_FILE = "vps-recovery.lock";
    /** zonky's own lock in the PostgreSQL directory, held by a live JVM that runs that PostgreSQL. */
    private static final String ZONKY_LOCK_FILE = "epg-lock";
    private static final String PID_FILE = "postmaster.pid";
    private static final Duration POLL = Duration.ofMillis(100);

    private final FileChannel channel;
    private final FileLock lock;

    private EmbeddedDataDirectory(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the data directory for this process and stops a PostgreSQL a crashed predecessor left
     * running on {@code postgresDirectory} (waiting at most {@code stopWait}).
     *
     * @throws StartupRefused if the directory cannot be written, another live process holds it, or a leftover PostgreSQL
     *                        cannot be identified or stopped; the message says what to do
     */
    public static EmbeddedDataDirectory claim(Path dataDirectory, Path postgresDirectory, Duration stopWait) {
        Path lockFile = dataDirectory.resolve(LOCK_FILE);
        FileChannel channel = null;
        try {
            try {
                Files.createDirectories(dataDirectory);
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException unwritable) {
                // The setting's fault, not the code's: one line naming it and exit code 2, not a stack trace.
                throw new StartupRefused("VPSR_DATA_DIR " + dataDirectory + " cannot be written (" + unwritable
                        + "): give it a directory this user may create and write (default ~/.vps-recovery)");
            }
            FileLock lock = tryLock(channel);
            if (lock == null) {
                throw new StartupRefused("VPSR_DATA_DIR " + dataDirectory + " is in use by another running vps-recovery "
                        + "(it holds " + lockFile + "); give each instance its own VPSR_DATA_DIR, or let several "
                        + "share one PostgreSQL through VPSR_DATABASE_URL");
            }
            EmbeddedDataDirectory claimed = new EmbeddedDataDirectory(channel, lock);
            try {
                stopLeftoverPostmaster(postgresDirectory, stopWait);
            } catch (RuntimeException e) {
                claimed.close();
                throw e;
            }
            return claimed;
        } catch (IOException e) {
            closeQuietly(channel);
            throw new UncheckedIOException("could not lock " + lockFile, e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static void stopLeftoverPostmaster(Path postgresDirectory, Duration stopWait) throws IOException {
        Path pidFile = postgresDirectory.resolve(PID_FILE);
        Optional<Long> pid = pidIn(pidFile);
        if (pid.isEmpty()) {
            return;
        }
        requireNoLiveJvmOn(postgresDirectory);
        Optional<ProcessHandle> process = ProcessHandle.of(pid.get()).filter(ProcessHandle::isAlive);
        if (process.isEmpty()) {
            return; // A stale file of a dead postmaster: PostgreSQL replaces it itself.
        }
        if (isZombie(pid.get())) {
            // Exited but not yet reaped by its parent: PostgreSQL would still see the pid as taken.
            LOG.warn("removing {}: it names pid {}, a PostgreSQL that has exited", pidFile, pid.get());
            Files.deleteIfExists(pidFile);
            return;
        }
        ProcessHandle.Info info = process.get().info();
        Optional<String> command = info.command();
        if (command.isPresent() && !Path.of(command.get()).getFileName().toString().equals("postgres")) {
            LOG.warn("removing {}: it names pid {}, which is now {} (no PostgreSQL)", pidFile, pid.get(), command.get());
            Files.deleteIfExists(pidFile);
            return;
        }
        if (command.isEmpty() || !runsOn(info.arguments().map(List::of).orElse(List.of()), postgresDirectory)) {
            throw new StartupRefused(postgresDirectory + " has a " + PID_FILE + " naming pid " + pid.get()
                    + ", which could not be shown to be a PostgreSQL on this directory; stop that PostgreSQL "
                    + "(kill -INT " + pid.get() + ") and start again");
        }
        LOG.warn("a PostgreSQL (pid {}) is still running on {}, left by a vps-recovery that did not stop cleanly; "
                + "stopping it before starting a new one", pid.get(), postgresDirectory);
        process.get().destroy();
        long deadline = System.nanoTime() + stopWait.toNanos();
        while (process.get().isAlive() && !isZombie(pid.get()) && Files.exists(pidFile)) {
            if (System.nanoTime() > deadline) {
                throw new StartupRefused("the PostgreSQL (pid " + pid.get() + ") left running on " + postgresDirectory
                        + " did not stop within " + stopWait.toSeconds() + " s; stop it (kill -INT " + pid.get()
                        + ") and start again");
            }
            pause();
        }
        LOG.info("the leftover PostgreSQL (pid {}) has stopped", pid.get());
    }

    private static Optional<Long> pidIn(Path pidFile) throws IOException {
        try {
            List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
            return lines.isEmpty() ? Optional.empty() : Optional.of(Long.parseLong(lines.getFirst().strip()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty(); // Half written: PostgreSQL decides what to make of it.
        }
    }

    /** zonky's lock is held by the JVM that runs the PostgreSQL, e.g. an older vps-recovery without our lock. */
    private static void requireNoLiveJvmOn(Path postgresDirectory) throws IOException {
        Path zonkyLock = postgresDirectory.resolve(ZONKY_LOCK_FILE);
        if (!Files.exists(zonkyLock)) {
            return;
        }
        try (FileChannel channel = FileChannel.open(zonkyLock, StandardOpenOption.WRITE)) {
            FileLock held = tryLock(channel);
            if (held == null) {
                throw new StartupRefused(postgresDirectory + " is in use by another running process (it holds "
                        + zonkyLock + ")");
            }
            held.release();
        }
    }

    private static boolean runsOn(List<String> arguments, Path postgresDirectory) {
        int flag = arguments.indexOf("-D");
        if (flag < 0 || flag + 1 >= arguments.size()) {
            return false;
        }
        try {
            return Path.of(arguments.get(flag + 1)).toRealPath().equals(postgresDirectory.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    /** Linux: the state in /proc/[pid]/stat is the field after the parenthesised command name. */
    private static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return false;
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // Held by this JVM already.
        }
    }

    private static void pause() {
        try {
            Thread.sleep(POLL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartupRefused("interrupted while waiting for a leftover PostgreSQL to stop");
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing a lock file on the way out of a failed start.
            }
        }
    }

    /** Releases the directory (the operating system does too, when the process ends). */
    @Override
    public void close() {
        try {
            lock.release();
        } catch (IOException ignored) {
            // Released anyway when the channel closes.
        }
        closeQuietly(channel);
    }
}
