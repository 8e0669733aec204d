package org.vpsrecovery.bootstrap.reliability;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The recovery_operation table as the database holds it, read with plain SQL. */
final class OperationTable {

    /** One operation: its id (X-Operation-Id) and state. */
    record Row(String id, String state) {
    }

    private final DataSource database;

    OperationTable(DataSource database) {
        this.database = database;
    }

    /** Request id to its operation, for request ids starting with {@code prefix}. */
    Map<String, Row> byRequest(String prefix) {
        try (Connection connection = database.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT request_id, id, state FROM recovery_operation WHERE starts_with(request_id, ?) ORDER BY request_id")) {
            select.setString(1, prefix);
            Map<String, Row> rows = new LinkedHashMap<>();
            try (ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.put(result.getString(1), new Row(result.getString(2), result.getString(3)));
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the operations: " + e.getMessage(), e);
        }
    }
}
