package org.vpsrecovery.adapters.persistence.testing;

import com.zaxxer.hikari.HikariConfig;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import javax.sql.DataSource;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database of the shared test server, owned by the server's user. Every {@link #dataSource()}
 * call gives a separate, unpooled DataSource: two of them behave like two service instances.
 */
public record TestDatabase(PostgresServer server, String name) {

    public TestDatabase {
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
    }

    public String url() {
        return server.urlFor(name);
    }

    public String user() {
        return server.user();
    }

    public String password() {
        return server.password();
    }

    /** A new DataSource connecting as the owner. */
    public DataSource dataSource() {
        return dataSourceAs(user(), password());
    }

    /** A new DataSource connecting as another login role (e.g. one granted vpsr_app). */
    public DataSource dataSourceAs(String loginRole, String loginPassword) {
        PGSimpleDataSource dataSource = new PGSimpleDataSource();
        dataSource.setURL(url());
        dataSource.setUser(loginRole);
        dataSource.setPassword(loginPassword);
        return dataSource;
    }

    /** The settings of a Hikari pool of {@code connections} connections as the owner; the rest are Hikari's defaults. */
    public HikariConfig poolOf(int connections) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url());
        config.setUsername(user());
        config.setPassword(password());
        config.setMaximumPoolSize(connections);
        return config;
    }

    public void drop() {
        server.drop(name);
    }

    /** Runs one statement on a connection of its own. */
    public void execute(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }

    /** The first column of each row of a query, as text. */
    public List<String> strings(String sql) throws SQLException {
        try (Connection connection = dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(sql)) {
            List<String> values = new ArrayList<>();
            while (rs.next()) {
                values.add(rs.getString(1));
            }
            return values;
        }
    }
}
