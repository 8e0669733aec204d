package org.vpsrecovery.adapters.persistence.testing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the schema's owner can do to the audit history and the service's role cannot: tampering that the chain's
 * checks must catch, done as an owner would do it, each guard switched off for its statement and on again.
 */
public final class OwnerTampering {

    private OwnerTampering() {
    }

    /** Removes the events after {@code lastKept} and moves the chain's head back onto it, in one transaction. */
    public static void cutBackTo(TestDatabase database, long lastKept) throws SQLException {
        try (Connection owner = database.dataSource().getConnection(); Statement sql = owner.createStatement()) {
            owner.setAutoCommit(false);
            sql.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only");
            sql.execute("DELETE FROM audit_event WHERE sequence > " + lastKept);
            sql.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only");
            sql.execute("ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_forward_only");
            sql.execute("UPDATE audit_chain_head SET last_sequence = " + lastKept
                    + ", last_hash = (SELECT hash FROM audit_event WHERE sequence = " + lastKept + ")");
            sql.execute("ALTER TABLE audit_chain_head ENABLE TRIGGER audit_chain_head_forward_only");
            owner.commit();
        }
    }
}
