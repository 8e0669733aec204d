package org.vpsrecovery.adapters.persistence.session;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import javax.sql.DataSource;
import org.vpsrecovery.domain.port.PlatformUnavailable;
import org.vpsrecovery.domain.port.SignInFormKey;

/**
 * The sign-in form's key in {@code console_sign_in_form_key} (V70, ADR 0041 amended in session 50): the first
 * instance's candidate is stored, every instance reads what is stored. Two statements, each committed: an insert that
 * met another instance's insert of the same row waits for it and does nothing, and the read after it sees that row.
 */
public final class PgSignInFormKey implements SignInFormKey {

    private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
    private static final String STORE_IF_ABSENT =
            "INSERT INTO console_sign_in_form_key (id, form_key) VALUES (1, ?) ON CONFLICT (id) DO NOTHING";
    private static final String READ = "SELECT form_key FROM console_sign_in_form_key WHERE id = 1";

    private final DataSource dataSource;

    public PgSignInFormKey(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "data source");
    }

    @Override
    public byte[] shared(byte[] candidate) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            try (PreparedStatement store = connection.prepareStatement(STORE_IF_ABSENT)) {
                store.setBytes(1, candidate);
                store.executeUpdate();
            }
            try (PreparedStatement read = connection.prepareStatement(READ); ResultSet row = read.executeQuery()) {
                if (!row.next()) {
                    throw new IllegalStateException("the sign-in form's key was stored but cannot be read");
                }
                return row.getBytes(1);
            }
        } catch (SQLException e) {
            // Neither the key nor the candidate is in the message.
            throw new PlatformUnavailable("could not read the console's sign-in form key: the database did not answer",
                    RETRY_AFTER, e);
        }
    }
}
