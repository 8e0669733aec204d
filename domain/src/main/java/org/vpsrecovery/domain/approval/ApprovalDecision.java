package org.vpsrecovery.domain.approval;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.common.Description;

/**
 * Who decided, what, when, and why if they said (1-500 printable characters, no control characters, no lone UTF-16
 * surrogate, which would be stored as {@code ?}).
 */
public record ApprovalDecision(Verdict verdict, Actor by, Instant at, Optional<String> reason) {

    public static final int MAX_REASON_LENGTH = 500;

    public ApprovalDecision {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(by, "by");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(reason, "reason (may be empty, not null)");
        reason.ifPresent(ApprovalDecision::requireReadable);
    }

    /** Whether {@code text} can be a decision's reason. */
    public static boolean isReadable(String text) {
        return text != null && !text.isBlank() && text.length() <= MAX_REASON_LENGTH
                && text.codePoints().noneMatch(Character::isISOControl) && !Description.hasUnpairedSurrogate(text);
    }

    private static void requireReadable(String text) {
        if (!isReadable(text)) {
            throw new IllegalArgumentException("a reason is 1-" + MAX_REASON_LENGTH + " characters, no control characters");
        }
    }
}
