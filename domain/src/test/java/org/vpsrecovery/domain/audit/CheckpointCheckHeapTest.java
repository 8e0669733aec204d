package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What a check of the stored checkpoints keeps per walked checkpoint (ADR 0052, amended in session 46): a signer writes
 * 525,600 a year, every verification and the checkpoint job's first round after a start checks them all, and the
 * service runs with a 160 MB heap that ends the process when it is full. Two million walked checkpoints (about four
 * years of one signer) are checked in a JVM of 64 MB: boxed in a set (about 64 bytes each, 128 MB) they filled it; as
 * sequences (8 bytes each) they fit, and the check still finds the latest as the walk's start.
 */
class CheckpointCheckHeapTest {

    private static final int CHECKPOINTS = 2_000_000;
    private static final String DONE = "walk start ";

    @Test
    void twoMillionWalkedCheckpointsAreCheckedInA64MegabyteHeap() throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-Xmx64m", "-XX:+ExitOnOutOfMemoryError",
                "-cp", System.getProperty("java.class.path"), Walk.class.getName())
                .redirectErrorStream(true).start();
        boolean ended = child.waitFor(5, TimeUnit.MINUTES); // a bound on the wait, not a measure
        if (!ended) {
            child.destroyForcibly();
        }
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(ended).as("the check ended").isTrue();
        assertThat(child.exitValue()).as(output).isZero();
        assertThat(output).contains(DONE + CHECKPOINTS);
    }

    /** The child: checks {@value #CHECKPOINTS} walked checkpoints, each against its stored hash, then says the start. */
    public static final class Walk {
        public static void main(String[] args) {
            CheckpointSigner signer = CheckpointCheckTest.newSigner();
            CheckpointCheck check = new CheckpointCheck(CheckpointKeys.of(List.of(signer.publicKey())));
            Instant at = Instant.parse("2026-01-01T00:00:00Z");
            byte[] unchecked = new byte[ChainCheckpoint.SIGNATURE_BYTES];
            Optional<ChainCheckpoint> before = Optional.empty();
            for (long sequence = 1; sequence <= CHECKPOINTS; sequence++) {
                ChainPosition position = new ChainPosition(sequence, hashOf(sequence));
                ChainHash previous = ChainCheckpoint.digestOf(before);
                // Only the last signature is verified (its links vouch for the rest): the others need not be real.
                ChainCheckpoint checkpoint = sequence == CHECKPOINTS
                        ? signer.signWalked(position, at.plusSeconds(60 * sequence), previous, sequence - 1)
                        : new ChainCheckpoint(sequence, position.hash(), at.plusSeconds(60 * sequence), signer.keyId(),
                                previous, OptionalLong.of(sequence - 1), unchecked);
                check.check(new StoredCheckpoint.Readable(checkpoint), Optional.of(position.hash()));
                before = Optional.of(checkpoint);
            }
            System.out.println(DONE + check.walkStart().map(ChainCheckpoint::sequence).orElse(-1L));
        }

        private static ChainHash hashOf(long sequence) {
            return new ChainHash(String.format("%064x", sequence));
        }
    }
}
