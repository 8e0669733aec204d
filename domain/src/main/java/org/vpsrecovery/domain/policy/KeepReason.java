package org.vpsrecovery.domain.policy;

import java.util.Locale;

/** Why retention keeps a point: a rule of the policy, or one of the guarantees no rule can override. */
public enum KeepReason {
    /** A hold is on it: nothing deletes it, retention included. */
    HELD,
    /** The server's newest completed point is never dropped. */
    NEWEST_COMPLETED,
    /** Still being made, or failed: retention decides only about completed points. */
    NOT_COMPLETED,
    /**
     * Dated after now (beyond {@link Retention#CLOCK_SKEW}): VPS.org's clock, not a real age; kept, and not
     * where keep-within counts from.
     */
    DATED_AFTER_NOW,
    /** Made by a person, and the policy does not govern person-made points. */
    MADE_BY_PERSON,
    /** The policy has no retention rule: nothing is dropped. */
    NO_RULES,
    KEEP_LAST,
    KEEP_WITHIN,
    KEEP_DAILY,
    KEEP_WEEKLY,
    KEEP_MONTHLY,
    KEEP_YEARLY;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
