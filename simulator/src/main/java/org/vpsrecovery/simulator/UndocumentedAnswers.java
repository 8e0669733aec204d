package org.vpsrecovery.simulator;

import java.util.Locale;
import java.util.Objects;

/**
 * Answers VPS.org may give where {@code docs/vpsorg-api.md} promises none, switched on to test the platform against
 * more than the simulator's own guess. {@code restoreAnswer}: how a restore that started is answered. {@code
 * refuseWhileRestoring}: a snapshot or backup create, or a delete of a point, on a server being restored is refused
 * {@code 400}, as VPS.org may refuse work on a server it has stopped to overwrite.
 */
public record UndocumentedAnswers(RestoreAnswer restoreAnswer, boolean refuseWhileRestoring) {

    /** How a restore that started is answered. */
    public enum RestoreAnswer {
        /** {@code 200} with {@code status} {@code success}, the point and the server: the snapshot restore's documented answer. */
        DOCUMENTED,
        /** {@code 202 {"status": "accepted"}}, nothing else: a queued job's answer, one the Servers API may give. */
        ACCEPTED;

        static RestoreAnswer fromWire(String word) {
            try {
                return valueOf(word.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("restore answer must be documented or accepted, not " + word);
            }
        }

        String wire() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public UndocumentedAnswers {
        Objects.requireNonNull(restoreAnswer, "restore answer");
    }

    /** Only what the documentation shows (or, for the backup restore, what we assume it mirrors). */
    public static UndocumentedAnswers none() {
        return new UndocumentedAnswers(RestoreAnswer.DOCUMENTED, false);
    }

    public UndocumentedAnswers withRestoreAnswer(RestoreAnswer answer) {
        return new UndocumentedAnswers(answer, refuseWhileRestoring);
    }

    public UndocumentedAnswers withRefuseWhileRestoring(boolean refuse) {
        return new UndocumentedAnswers(restoreAnswer, refuse);
    }
}
