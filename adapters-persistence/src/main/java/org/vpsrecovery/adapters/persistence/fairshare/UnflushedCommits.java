package org.vpsrecovery.adapters.persistence.fairshare;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * A data source whose connections commit their transactions without waiting for the write-ahead
 * log's flush ({@code SET LOCAL synchronous_commit = off} just before the commit), for Bucket4j's
 * rate bucket, whose statements we do not write (ADR 0042). {@code LOCAL}: the setting ends with the
 * transaction, so a pooled connection goes back to the pool as it came.
 */
final class UnflushedCommits {

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
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("commit") && method.getParameterCount() == 0 && !connection.getAutoCommit()) {
                        try (Statement statement = connection.createStatement()) {
                            statement.execute("SET LOCAL synchronous_commit = off");
                        }
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
