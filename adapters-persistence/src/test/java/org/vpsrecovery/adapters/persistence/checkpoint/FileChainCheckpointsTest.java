package org.vpsrecovery.adapters.persistence.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vpsrecovery.domain.audit.ChainCheckpoint;
import org.vpsrecovery.domain.audit.ChainCut;
import org.vpsrecovery.domain.audit.ChainHash;
import org.vpsrecovery.domain.audit.CheckpointKeys;
import org.vpsrecovery.domain.audit.StoredCheckpoint;
import org.vpsrecovery.domain.port.ChainCheckpoints;
import org.vpsrecovery.domain.port.contract.ChainCheckpointsContract;

class FileChainCheckpointsTest extends ChainCheckpointsContract {

    @TempDir
    Path temp;
    private int stores;

    @Override
    protected ChainCheckpoints emptyCheckpoints() {
        // A directory that does not exist yet: the first append makes it.
        return new FileChainCheckpoints(temp.resolve("store-" + (++stores)).resolve("checkpoints"));
    }

    /**
     * ADR 0022, amended in session 53: the folder and the file a store creates are closed to other users, the group's
     * bits as the umask gives them (0750 and 0640 under the usual 022), so instances run by different users of one group
     * can share the folder. (The tests run as root: the bits are checked, not a refused read.) Before, 0700 and 0600.
     */
    @Test
    void theFolderAndTheFileAStoreCreatesAreClosedToOthersOnly() throws IOException {
        assumePosix();
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        String folderGroup = permissions(Files.createDirectory(temp.resolve("folder-by-the-umask"))).substring(3, 6);
        String fileGroup = permissions(Files.createFile(temp.resolve("file-by-the-umask"))).substring(3, 6);
        org.junit.jupiter.api.Assumptions.assumeTrue(folderGroup.startsWith("r"), "a umask leaving the group's read");

        append(store, 3);

        assertThat(permissions(store.file().getParent())).isEqualTo("rwx" + folderGroup + "---");
        assertThat(permissions(store.file())).isEqualTo("rw-" + fileGroup.replace('x', '-') + "---");
    }

    /**
     * A folder and a file an earlier release left by the umask lose others' bits when a store opens them; the group's
     * are left as found (an operator's 0770 for instances of one group stays).
     */
    @Test
    void aFolderAndAFileLeftOpenToOthersAreClosedToThemWhenAStoreOpensThem() throws IOException {
        assumePosix();
        FileChainCheckpoints earlier = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint written = append(earlier, 3);
        Path directory = earlier.file().getParent();
        Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxrwxr-x"));
        Files.setPosixFilePermissions(earlier.file(), PosixFilePermissions.fromString("rw-rw-r--"));

        FileChainCheckpoints next = new FileChainCheckpoints(directory);

        assertThat(permissions(directory)).isEqualTo("rwxrwx---");
        assertThat(permissions(next.file())).isEqualTo("rw-rw----");
        assertThat(next.latest()).contains(written);
    }

    private static String permissions(Path path) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
    }

    private static void assumePosix() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                java.nio.file.FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    }

    private static List<String> lines(FileChainCheckpoints store) throws IOException {
        return Files.readAllLines(store.file(), StandardCharsets.UTF_8);
    }

    @Test
    void oneJsonLinePerCheckpointWithEveryFieldTheSignatureCovers() throws IOException {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint first = append(store, 5);

        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(lines(store).getFirst(), Map.class);

        assertThat(json).containsOnly(Map.entry("format", "vpsr-checkpoint-v1"), Map.entry("sequence", 5),
                Map.entry("hash", first.hash().hex()), Map.entry("taken_at", first.takenAt().toString()),
                Map.entry("key_id", SIGNER.keyId()), Map.entry("previous", ChainHash.GENESIS.hex()),
                Map.entry("signature", first.signatureBase64()));
    }

    @Test
    void aWalkedCheckpointsLineSaysWhereItsWalkStartedAndReadsBackTheSame() throws IOException {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint walked = store.append(latest -> Optional.of(SIGNER.signWalked(position(8), T0,
                ChainCheckpoint.digestOf(latest), 3))).orElseThrow();

        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(lines(store).getFirst(), Map.class);

        assertThat(json).containsEntry("format", "vpsr-checkpoint-v2").containsEntry("walked_after", 3);
        assertThat(new FileChainCheckpoints(store.file().getParent()).latest()).contains(walked);
    }

    @Test
    void theFirstCheckpointAfterACutNamesTheSetAsideFileAndReadsBackTheSameFromAFileUnderAnotherName() throws IOException {
        FileChainCheckpoints setAside = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint held = append(setAside, 2);
        ChainCheckpoint last = append(setAside, 4);
        Path moved = temp.resolve("evidence").resolve("chain-checkpoints-2026-12-07.jsonl");
        Files.createDirectories(moved.getParent());
        Files.move(setAside.file(), moved);
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint first = store.append(latest -> Optional.of(SIGNER.signAfterCut(position(6), T0,
                ChainCheckpoint.digestOf(latest), java.util.OptionalLong.of(0),
                ChainCut.of(last, Optional.of(held))))).orElseThrow();

        @SuppressWarnings("unchecked")
        Map<String, Object> json = new ObjectMapper().readValue(lines(store).getFirst(), Map.class);

        assertThat(json).containsEntry("format", "vpsr-checkpoint-v3").containsEntry("walked_after", 0)
                .containsEntry("cut", Map.of("set_aside_sequence", 4, "set_aside_hash", last.hash().hex(),
                        "set_aside_digest", last.digest().hex(), "set_aside_taken_at", last.takenAt().toString(),
                        "held_through", 2, "held_through_taken_at", held.takenAt().toString()));
        assertThat(new FileChainCheckpoints(store.file().getParent()).latest()).contains(first);
        assertThat(FileChainCheckpoints.ofFile(moved).latest()).contains(last);
        String line = lines(store).getFirst();
        Files.write(store.file(), List.of(line.replace("\"set_aside_sequence\":4", "\"set_aside_sequence\":3")),
                StandardCharsets.UTF_8);
        assertThat(CheckpointKeys.of(List.of(SIGNER.publicKey())).verifies(new FileChainCheckpoints(store.file().getParent()).latest().orElseThrow()))
                .as("the cut is signed").isFalse();
    }

    @Test
    void aWalkClaimThatDoesNotFitItsFormatIsNoCheckpoint() throws IOException {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        append(store, 4);
        String line = lines(store).getFirst();
        List<String> damaged = List.of(
                line.replace("\"format\":\"vpsr-checkpoint-v1\"", "\"format\":\"vpsr-checkpoint-v2\""),
                line.replace("\"previous\"", "\"walked_after\":1,\"previous\""));
        Files.write(store.file(), damaged, StandardCharsets.UTF_8);

        assertThat(all(store)).hasSize(2).allSatisfy(entry -> assertThat(entry)
                .isInstanceOf(StoredCheckpoint.Unreadable.class));
    }

    @Test
    void anotherStoreOnTheSameDirectoryReadsWhatWasWritten() {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint first = append(store, 1);
        ChainCheckpoint second = append(store, 2);

        FileChainCheckpoints reopened = new FileChainCheckpoints(store.file().getParent());

        assertThat(all(reopened)).containsExactly(new StoredCheckpoint.Readable(first),
                new StoredCheckpoint.Readable(second));
        assertThat(reopened.latest()).contains(second);
    }

    @Test
    void aLineTornByACrashIsNoEntryAndTheNextAppendCutsItOff() throws IOException {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint first = append(store, 1);
        ChainCheckpoint second = append(store, 2);
        String wouldBeThird = lines(store).get(1).replace("\"sequence\":2", "\"sequence\":3");
        Files.writeString(store.file(), wouldBeThird.substring(0, 60), StandardOpenOption.APPEND);

        assertThat(all(store)).containsExactly(new StoredCheckpoint.Readable(first),
                new StoredCheckpoint.Readable(second));
        assertThat(store.latest()).contains(second);

        ChainCheckpoint third = append(store, 3);

        assertThat(third.previous()).isEqualTo(second.digest());
        assertThat(lines(store)).hasSize(3);
        assertThat(all(store)).containsExactly(new StoredCheckpoint.Readable(first),
                new StoredCheckpoint.Readable(second), new StoredCheckpoint.Readable(third));
    }

    @Test
    void aWholeLineThatIsNotACheckpointIsReportedWithWhereItIs() throws IOException {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint first = append(store, 4);
        ChainCheckpoint second = append(store, 6);
        List<String> lines = new ArrayList<>(lines(store));
        lines.add(1, "{\"format\":\"vpsr-checkpoint-v1\",\"sequence\":5}");
        lines.add("not json at all");
        Files.write(store.file(), lines, StandardCharsets.UTF_8);

        List<StoredCheckpoint> entries = all(store);

        assertThat(entries).hasSize(4);
        assertThat(entries.get(0)).isEqualTo(new StoredCheckpoint.Readable(first));
        assertThat(entries.get(1)).isInstanceOfSatisfying(StoredCheckpoint.Unreadable.class, damaged -> {
            assertThat(damaged.after()).isEqualTo(4);
            assertThat(damaged.location()).isEqualTo("chain-checkpoints.jsonl line 2");
            assertThat(damaged.reason()).startsWith("not a checkpoint in JSON");
        });
        assertThat(entries.get(2)).isEqualTo(new StoredCheckpoint.Readable(second));
        assertThat(entries.get(3)).isInstanceOfSatisfying(StoredCheckpoint.Unreadable.class, damaged -> {
            assertThat(damaged.after()).isEqualTo(6);
            assertThat(damaged.location()).isEqualTo("chain-checkpoints.jsonl line 4");
        });
        assertThat(store.latest()).as("the last line that reads").contains(second);
    }

    @Test
    void findsTheLatestBehindMoreDamageThanTheTailItLooksAtFirst() throws IOException {
        FileChainCheckpoints store = (FileChainCheckpoints) emptyCheckpoints();
        ChainCheckpoint only = append(store, 9);
        String garbage = ("x".repeat(99) + "\n").repeat(1000);
        Files.writeString(store.file(), garbage, StandardOpenOption.APPEND);

        assertThat(store.latest()).contains(only);
        assertThat(all(store)).hasSize(1001);
    }

    @Test
    void storesSharingADirectoryTakeTurnsSoEveryCheckpointFollowsTheOneBefore() throws Exception {
        FileChainCheckpoints one = (FileChainCheckpoints) emptyCheckpoints();
        FileChainCheckpoints two = new FileChainCheckpoints(one.file().getParent());
        int writers = 8;
        int each = 25;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Callable<Void>> tasks = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                FileChainCheckpoints store = w % 2 == 0 ? one : two;
                tasks.add(() -> {
                    for (int i = 0; i < each; i++) {
                        // Each witnesses one more than the latest: a lost turn would repeat or skip a number.
                        store.append(latest -> Optional.of(SIGNER.sign(position(latest.map(ChainCheckpoint::sequence)
                                .orElse(0L) + 1), T0, ChainCheckpoint.digestOf(latest))));
                    }
                    return null;
                });
            }
            for (Future<Void> done : pool.invokeAll(tasks)) {
                done.get();
            }
        } finally {
            pool.shutdownNow();
        }

        List<StoredCheckpoint> entries = all(one);
        assertThat(entries).allMatch(StoredCheckpoint.Readable.class::isInstance);
        List<ChainCheckpoint> checkpoints = entries.stream().map(e -> ((StoredCheckpoint.Readable) e).checkpoint())
                .toList();
        assertThat(checkpoints).extracting(ChainCheckpoint::sequence)
                .containsExactly(LongStream.rangeClosed(1, (long) writers * each).boxed().toArray(Long[]::new));
        for (int i = 1; i < checkpoints.size(); i++) {
            assertThat(checkpoints.get(i).previous()).isEqualTo(checkpoints.get(i - 1).digest());
        }
    }
}
