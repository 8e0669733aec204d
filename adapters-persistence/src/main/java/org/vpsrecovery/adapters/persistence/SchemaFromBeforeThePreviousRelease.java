package org.vpsrecovery.adapters.persistence;

/**
 * The database's schema is older than the previous release's last migration (ADR 0142, amended in session 56): this
 * release's migrations are written for that release still serving beside them, not for one further back, so the start is
 * refused before Flyway migrates anything. The message names both versions and what to do.
 */
public final class SchemaFromBeforeThePreviousRelease extends RuntimeException {

    public SchemaFromBeforeThePreviousRelease(String schemaVersion, String upgradesFrom) {
        super("the database's schema is at V" + schemaVersion + ", but this release upgrades from V" + upgradesFrom
                + " or later (the previous release's last migration): upgrade through the releases in between, one at a "
                + "time, each rolled out before the next (docs/deploy.md, \"Upgrade one release at a time\"); if no "
                + "instance of an older release runs against this database, or an install cut short (a first start stopped "
                + "part-way) is being finished, set "
                + UpgradeFromThePreviousRelease.ALLOW_SKIPPING_RELEASES + "=true (VPSR_MIGRATION_ALLOW_SKIPPING_RELEASES="
                + "true) for this start",
                null, false, false);
    }
}
