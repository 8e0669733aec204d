package org.vpsrecovery.domain.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;

/**
 * An auditor, by the name the operator gave it (the same rule as a team's id, e.g. {@code compliance}),
 * or a person signed in by JWT with the auditor role, by a name made of the token's subject
 * ({@link #ofPerson}). The two never meet: a person's name holds {@value #PERSON_MARK}, which a
 * configured name may not. The name scopes the auditor's idempotency keys and read shares and names
 * who placed a legal hold, so two auditors must never share one.
 */
public record AuditorName(String value) {

    /** In every person's name; refused in a configured auditor's name. */
    public static final String PERSON_MARK = "--jwt";
    private static final int MAX_LENGTH = 63;
    /** 64 bits of the subject's SHA-256: no two subjects share one by chance or by anyone's choosing. */
    private static final int HASH_BYTES = 8;

    public AuditorName {
        Objects.requireNonNull(value, "auditor name");
        if (!Slug.matches(value)) {
            throw new IllegalArgumentException("auditor name must be " + Slug.RULE);
        }
    }

    /**
     * A person's name from the JWT's subject, one per subject: {@code <subject>--jwt} when the subject
     * is already a name of lower-case letters, digits and single inner hyphens (readable as it is);
     * otherwise its lower-cased slug, shortened to fit, and {@code --jwt-} with a hash of the exact subject
     * ({@code Carol.Smith}: {@code carol-smith--jwt-21649a19128811f4}), since folding case and punctuation loses
     * what told two subjects apart.
     */
    public static AuditorName ofPerson(String subject) {
        Objects.requireNonNull(subject, "subject");
        // Runs of anything else become one hyphen, so a slug never holds "--" (nor the mark).
        String slug = subject.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.equals(subject) && subject.length() + PERSON_MARK.length() <= MAX_LENGTH) {
            return new AuditorName(subject + PERSON_MARK);
        }
        String tail = PERSON_MARK + "-" + HexFormat.of().formatHex(sha256(subject), 0, HASH_BYTES);
        String head = slug.length() > MAX_LENGTH - tail.length()
                ? slug.substring(0, MAX_LENGTH - tail.length()).replaceAll("-+$", "") : slug;
        return new AuditorName((head.isEmpty() ? "person" : head) + tail);
    }

    /** A name the operator gives an auditor: never one {@link #ofPerson} could give. */
    public static AuditorName configured(String value) {
        AuditorName name = new AuditorName(value);
        if (name.isPersons()) {
            throw new IllegalArgumentException("a configured auditor's name may not hold " + PERSON_MARK
                    + ", which is kept for people signed in with a JWT");
        }
        return name;
    }

    /** Whether this is a name {@link #ofPerson} gives; a configured auditor's may not be. */
    public boolean isPersons() {
        return value.contains(PERSON_MARK);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
