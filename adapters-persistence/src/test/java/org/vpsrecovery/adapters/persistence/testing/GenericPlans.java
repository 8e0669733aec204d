package org.vpsrecovery.adapters.persistence.testing;

import io.micronaut.context.ApplicationContext;
import io.micronaut.data.connection.jdbc.advice.DelegatingDataSource;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The plans pgjdbc's prepared statements come to (a generic plan from the sixth execution of one on a connection): what
 * an index's predicate or a bound value lets the planner use there (ADRs 0085, 0108, 0112).
 */
public final class GenericPlans {

    private GenericPlans() {
    }

    /**
     * The last statement the pool's one connection prepared, holding {@code fragment}, that has run a generic plan; the
     * appends' statements, which name the same columns, left out.
     */
    public static String preparedOnItsGenericPlan(ApplicationContext context, String fragment) throws SQLException {
        String prepared = null;
        try (Connection session = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class)).getConnection();
             PreparedStatement statement = session.prepareStatement("SELECT statement FROM pg_prepared_statements"
                     + " WHERE NOT from_sql AND strpos(statement, ?) > 0 AND generic_plans > 0"
                     + " AND strpos(statement, 'INSERT INTO audit_event') = 0")) {
            statement.setString(1, fragment);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    prepared = rs.getString(1);
                }
            }
        }
        return prepared;
    }

    /** Every statement the pool's one connection prepared, holding {@code fragment}, that has run a generic plan. */
    public static java.util.List<String> preparedOnTheirGenericPlans(ApplicationContext context, String fragment)
            throws SQLException {
        java.util.List<String> prepared = new java.util.ArrayList<>();
        try (Connection session = DelegatingDataSource.unwrapDataSource(context.getBean(DataSource.class)).getConnection();
             PreparedStatement statement = session.prepareStatement("SELECT statement FROM pg_prepared_statements"
                     + " WHERE NOT from_sql AND generic_plans > 0 AND strpos(statement, ?) > 0")) {
            statement.setString(1, fragment);
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    prepared.add(rs.getString(1));
                }
            }
        }
        return prepared;
    }

    /** {@code prepared}'s generic plan, as EXPLAIN shows it with sequential scans off (a small table: can an index serve). */
    public static String genericPlan(TestDatabase database, String prepared) throws SQLException {
        return explained(database, "EXPLAIN (GENERIC_PLAN) " + prepared, true);
    }

    /** {@code explain}'s lines, sequential scans allowed: what the planner picks on a table as it is filled. */
    public static String plan(TestDatabase database, String explain) throws SQLException {
        return explained(database, explain, false);
    }

    private static String explained(TestDatabase database, String explain, boolean seqScanOff) throws SQLException {
        // A generic plan's $n placeholders as text: the simple protocol, which binds none of them.
        String simple = database.url() + (database.url().contains("?") ? "&" : "?") + "preferQueryMode=simple";
        StringBuilder plan = new StringBuilder();
        try (Connection connection = DriverManager.getConnection(simple, database.user(), database.password());
             Statement statement = connection.createStatement()) {
            if (seqScanOff) {
                statement.execute("SET enable_seqscan = off");
            }
            try (ResultSet rs = statement.executeQuery(explain)) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
        }
        return plan.toString();
    }
}
