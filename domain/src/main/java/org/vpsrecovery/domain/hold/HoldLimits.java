package org.vpsrecovery.domain.hold;

/**
 * The most active holds of one kind a recovery point, and a team, may have (ADR 0029, amended in session 38). Counted by
 * kind, so a team's own holds never keep an auditor's legal hold out. Bounds what a delete's check reads and what a
 * script placing holds at its team's rate can add.
 */
public record HoldLimits(int activePerPoint, int activePerTeam) {

    public static final int DEFAULT_ACTIVE_PER_POINT = 50;
    public static final int DEFAULT_ACTIVE_PER_TEAM = 5000;
    public static final HoldLimits DEFAULTS = new HoldLimits(DEFAULT_ACTIVE_PER_POINT, DEFAULT_ACTIVE_PER_TEAM);

    public HoldLimits {
        if (activePerPoint < 1 || activePerTeam < activePerPoint) {
            throw new IllegalArgumentException("active holds per point must be at least 1, and per team at least "
                    + "as many as per point");
        }
    }
}
