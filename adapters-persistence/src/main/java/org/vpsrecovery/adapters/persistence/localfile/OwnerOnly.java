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
 * events (they hold actor subjects and free text, ADR 0141, session 52) and the audit checkpoints (ADR 0022, session
 * 53). Set at creation, as the checkpoint signing key is, not left to the umask; a file system without POSIX
 * permissions gets none (what it has is its mount's).
 */
public final class OwnerOnly {

    private static final Logger LOG = LoggerFactory.getLogger(OwnerOnly.class);
    private static final Set<PosixFilePermission> GROUP_AND_OTHERS = EnumSet.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.OTHERS_READ,
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
        tightenOne(directory, tightened, failed);
        for (Path entry : entries(directory, failed)) {
            tightenOne(entry, tightened, failed);
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                for (Path file : entries(entry, failed)) {
                    tightenOne(file, tightened, failed);
                }
            }
        }
        said("kept audit events' folders or files", "they hold actor subjects and free text", directory, tightened[0],
                failed);
    }

    /**
     * Takes group's and others' permissions off each of {@code paths} that exists (not what a folder among them holds),
     * as an earlier release left them by the umask: the checkpoint folder and file. Never refuses the start: what
     * cannot be changed is said in one WARN.
     */
    public static void tightenEach(String what, String why, Path... paths) {
        if (paths.length == 0 || !posix(paths[0])) {
            return;
        }
        int[] tightened = {0};
        List<String> failed = new ArrayList<>();
        for (Path path : paths) {
            tightenOne(path, tightened, failed);
        }
        said(what, why, paths[0], tightened[0], failed);
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

    private static void tightenOne(Path path, int[] tightened, List<String> failed) {
        try {
            Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS);
            if (Files.isSymbolicLink(path) || !permissions.removeAll(GROUP_AND_OTHERS)) {
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
