package org.vpsrecovery.domain.limits;

/**
 * How many snapshots and manual backups one server may hold. The provider's documented numbers
 * are the ceiling; a team may be held lower (even to 0), never higher.
 */
public record RecoveryLimits(int snapshotsPerServer, int manualBackupsPerServer) {

    public static final int PROVIDER_SNAPSHOTS_PER_SERVER = 5;
    public static final int PROVIDER_MANUAL_BACKUPS_PER_SERVER = 10;

    /** VPS.org: at most 5 snapshots and 10 manual backups per server (automatic ones not counted). */
    public static final RecoveryLimits PROVIDER_DOCUMENTED =
            new RecoveryLimits(PROVIDER_SNAPSHOTS_PER_SERVER, PROVIDER_MANUAL_BACKUPS_PER_SERVER);

    public RecoveryLimits {
        requireWithin("snapshots per server", snapshotsPerServer, PROVIDER_SNAPSHOTS_PER_SERVER);
        requireWithin("manual backups per server", manualBackupsPerServer, PROVIDER_MANUAL_BACKUPS_PER_SERVER);
    }

    private static void requireWithin(String what, int value, int providerCeiling) {
        if (value < 0 || value > providerCeiling) {
            throw new IllegalArgumentException(
                    what + " must be between 0 and the provider's " + providerCeiling + ", was " + value);
        }
    }
}
