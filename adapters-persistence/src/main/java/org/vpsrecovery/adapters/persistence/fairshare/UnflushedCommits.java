package org.vpsrecovery.adapters.persistence.fairshare;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A data source whose connections commit their transactions without waiting for the write-ahead
 * log's flush ({@code SET LOCAL synchronous_commit = off}), for Bucket4j's rate bucket, whose
 * statements we do not write (ADR 0042). The setting rides in the same round trip as the bucket's
 * {@code UPDATE}; a transaction without one gets it just before its commit. {@code LOCAL}: it ends
 * with the transaction, so a pooled connection goes back to the pool as it came.
 */
final class UnflushedCommits {

    static final String SET_LOCAL = "SET LOCAL synchronous_commit = off";

    private UnflushedCommits() {
    }

    static DataSource of(DataSource pooled) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = call(pooled, method, args);
                    return result instanceof Connection connection ? unflushed(connection) : result;
                });
    }

    private static Connection unflushed(Connection connection) {
        boolean[] setInThisTransaction = new boolean[1];
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    String name = method.getName();
                    if (name.equals("prepareStatement") && args.length == 1 && args[0] instanceof String sql
                            && sql.strip().toUpperCase(Locale.ROOT).startsWith("UPDATE") && !connection.getAutoCommit()) {
                        // The UPDATE's own result comes first, as its caller expects.
                        setInThisTransaction[0] = true;
                        return connection.prepareStatement(sql + "; " + SET_LOCAL);
                    }
                    if (name.equals("commit") && method.getParameterCount() == 0 && !connection.getAutoCommit()
                            && !setInThisTransaction[0]) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute(SET_LOCAL);
                        }
                    }
                    if (name.equals("commit") || name.equals("rollback")) {
                        setInThisTransaction[0] = false;
                    }
                    return call(connection, method, args);
                });
    }

    private static Object call(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
