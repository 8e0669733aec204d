package org.vpsrecovery.application.failure;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A failure and its root cause (when that says more) on one line, as a WARN says why something failed: the failure's
 * class and message, then "(caused by Root: message)". Shared by the WARNs that repeat a cause only when it changes.
 */
public record FailureLine(String text) {

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern DIGITS = Pattern.compile("\\d+");

    public FailureLine {
        Objects.requireNonNull(text, "text");
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("a failure line is one line");
        }
    }

    /** {@code failure}'s line, each message first passed through {@code unsaid} (which may leave out what must not be logged). */
    public static FailureLine of(Throwable failure, java.util.function.UnaryOperator<String> unsaid) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = said(failure, unsaid);
        StringBuilder text = new StringBuilder(failure.getClass().getSimpleName()).append(": ").append(message);
        String rootMessage = said(root, unsaid);
        if (root != failure && (failure.getMessage() == null || root.getMessage() == null
                || !message.contains(rootMessage))) {
            text.append(" (caused by ").append(root.getClass().getSimpleName()).append(": ").append(rootMessage)
                    .append(')');
        }
        return new FailureLine(WHITESPACE.matcher(text).replaceAll(" "));
    }

    public static FailureLine of(Throwable failure) {
        return of(failure, message -> message);
    }

    private static String said(Throwable failure, java.util.function.UnaryOperator<String> unsaid) {
        return failure.getMessage() == null ? "null" : unsaid.apply(failure.getMessage());
    }

    /** The line with {@code prefix} before it. */
    public FailureLine after(String prefix) {
        return new FailureLine(prefix + text);
    }

    /** The line, cut to {@code longest} characters and "..." when longer: a library's message may run on. */
    public String cutTo(int longest) {
        return text.length() <= longest ? text : text.substring(0, longest) + "...";
    }

    /**
     * Whether {@code other} names the same cause: the same text but for its numbers. A pool's timeout carries its counts
     * and waits ("Connection is not available, request timed out after 5001ms (total=10, active=10, idle=0, waiting=3)"),
     * which differ at every failure of one outage.
     */
    public boolean sameCauseAs(FailureLine other) {
        return other != null && DIGITS.matcher(text).replaceAll("#").equals(DIGITS.matcher(other.text).replaceAll("#"));
    }
}
