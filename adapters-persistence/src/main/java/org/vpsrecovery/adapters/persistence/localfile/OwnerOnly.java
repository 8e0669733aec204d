package org.vpsrecovery.adapters.persistence.localfile;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folders (0700) and files (0600) the service writes on its host, readable by the service's user only: the kept audit
 * events (they hold actor subjects and free text, ADR 0141, session 52); the audit checkpoints, which instances of
 * one group may share, are closed to others only (ADR 0022, session 53). Set at creation, as the checkpoint signing key is, not left to the umask; a file system without POSIX
 * permissions gets none (what it has is its mount's).
 */
public final class OwnerOnly {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private OwnerOnly() {
    }

    private static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    public static FileAttribute<?>[] folder(Path path) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"))} : new FileAttribute<?>[0];
    }

    public static FileAttribute<?>[] file(Path path) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rw-------"))} : new FileAttribute<?>[0];
    }

    /**
     * A folder for the service's user and its group, none for others: asked rwxrwx---, less the umask's bits (0750 under
     * the usual 022, 0770 under 002). The checkpoints' folder, which instances run by different users of one group share
     * (ADR 0022, amended in session 53).
     */
    public static FileAttribute<?>[] groupFolder(Path path) {
        return posix(path) ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxrwx---"))} : new FileAttribute<?>[0];
    }

    /** {@link FileChannel#open}, a file it creates being rw-rw---- less the umask's bits, none for others. */
    public static FileChannel openForGroup(Path path, OpenOption... options) throws IOException {
        return FileChannel.open(path, Set.of(options), posix(path) ? new FileAttribute<?>[] {
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-rw----"))}
            : new FileAttribute<?>[0]);
    }

    /** {@link FileChannel#open}, a file it creates being 0600. */
    public static FileChannel open(Path path, OpenOption... options) throws IOException {
        return FileChannel.open(path, Set.of(options), file(path));
    }

    /** {@link Files#write}, a file it creates being 0600. */
    public static void write(Path path, byte[] bytes, OpenOption... options) throws IOException {
        try (FileChannel out = open(path, options)) {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        }
    }

    /**
     * Takes group's and others' permissions off the directory and what it holds, two levels down (the folders and
     * their files), as an earlier release left them by the umask. Never refuses the start: what cannot be changed is
     * said in one WARN.
     */
    public static void tighten(Path directory) {
        if (!posix(directory)) {
            return;
        }
        // Each path on its own (own-merge review): one that cannot be changed (a mount's root owned by another user)
        // left every other one as the umask made it.
        int[] tightened = {0};
        List<String> failed = new ArrayList<>();
        tightenOne(directory, GROUP_AND_OTHERS, tightened, failed);
        for (Path entry : entries(directory, failed)) {
            tightenOne(entry, GROUP_AND_OTHERS, tightened, failed);
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                for (Path file : entries(entry, failed)) {
                    tightenOne(file, GROUP_AND_OTHERS, tightened, failed);
                }
            }
        }
        said("kept audit events' folders or files", "they hold actor subjects and free text", directory, tightened[0],
                failed);
    }

    /**
     * Takes others' permissions off each of {@code paths} that exists (not what a folder among them holds), the group's
     * left as found: the checkpoint folder and file, which instances run by different users of one group may share
     * (ADR 0022, amended in session 53). Never refuses the start: what cannot be changed is said in one WARN.
     */
    public static void closeToOthersEach(String what, String why, Path... paths) {
        if (paths.length == 0 || !posix(paths[0])) {
            return;
        }
        int[] tightened = {0};
        List<String> failed = new ArrayList<>();
        for (Path path : paths) {
            tightenOne(path, OTHERS, tightened, failed);
        }
        if (!failed.isEmpty()) {
            LOG.warn("cannot take other users' permissions off {} of the {} in {} (first: {}): {}; set them to 0750 or "
                    + "0770 (folders) and 0640 or 0660 (files)", failed.size(), what, paths[0], failed.get(0), why);
        }
        if (tightened[0] > 0) {
            LOG.info("{} of the {} in {} were open to other users: now to this user and its group only", tightened[0], what,
                    paths[0]);
        }
    }

    private static void said(String what, String why, Path where, int tightened, List<String> failed) {
        if (!failed.isEmpty()) {
            LOG.warn("cannot make {} of the {} in {} readable by this user only (first: {}): {}; set their permissions to "
                    + "0700 (folders) and 0600 (files)", failed.size(), what, where, failed.get(0), why);
        }
        if (tightened > 0) {
            LOG.info("{} of the {} in {} were readable by other users: now by this user only", tightened, what, where);
        }
    }

    /** A folder's entries; none if it is gone or cannot be read (said among the failures). */
    private static List<Path> entries(Path directory, List<String> failed) {
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
            stream.forEach(entries::add);
        } catch (NoSuchFileException gone) {
            // taken over and removed by another process meanwhile
        } catch (IOException | DirectoryIteratorException | UnsupportedOperationException e) {
            failed.add(e.toString());
        }
        return entries;
    }

    private static void tightenOne(Path path, Set<PosixFilePermission> taken, int[] tightened, List<String> failed) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (Files.isSymbolicLink(path) || !permissions.removeAll(taken)) {
                return;
            }
            Files.setPosixFilePermissions(path, permissions);
            tightened[0]++;
        } catch (NoSuchFileException gone) {
            // removed meanwhile
        } catch (IOException | UnsupportedOperationException e) {
            failed.add(e.toString());
        }
    }
}
