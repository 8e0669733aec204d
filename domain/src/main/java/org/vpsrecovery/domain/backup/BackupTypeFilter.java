package org.vpsrecovery.domain.backup;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A list's filter by backup type, as a word: VPS.org's documented {@code manual} or {@code automatic}, or the label of
 * a type it does not document but lists, shown verbatim (ADR 0003). Such a label is matched ignoring case, as the
 * provider adapter reads the documented words, so a type the list shows can be asked for.
 */
public record BackupTypeFilter(String word) {

    /** A word of lower-case letters, digits, {@code _} or {@code -}, as long as a label may be. */
    public static final String RULE = "[a-z0-9_-]{1," + BackupType.LABEL_MAX_LENGTH + "}";
    private static final Pattern WORD = Pattern.compile(RULE);

    public BackupTypeFilter {
        Objects.requireNonNull(word, "word");
        if (!WORD.matcher(word).matches()) {
            throw new IllegalArgumentException("a backup type is 1-" + BackupType.LABEL_MAX_LENGTH
                    + " lower-case letters, digits, '_' or '-'");
        }
    }

    /** The kind the provider is asked for; a type it does not document is picked from the unknown ones by its label. */
    public BackupType.Kind kind() {
        if (word.equals(BackupType.MANUAL.label())) {
            return BackupType.Kind.MANUAL;
        }
        return word.equals(BackupType.AUTOMATIC.label()) ? BackupType.Kind.AUTOMATIC : BackupType.Kind.UNKNOWN;
    }

    public boolean matches(BackupType type) {
        BackupType.Kind kind = kind();
        return type.is(kind) && (kind != BackupType.Kind.UNKNOWN || type.label().toLowerCase(Locale.ROOT).equals(word));
    }
}
