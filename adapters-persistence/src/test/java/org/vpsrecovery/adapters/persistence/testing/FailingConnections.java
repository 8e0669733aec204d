package org.vpsrecovery.adapters.persistence.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** A pool whose connections lose themselves (SQLState 08006) in one method: a failover met at a chosen step. */
public final class FailingConnections {

    private FailingConnections() {
    }

    /**
     * Connections of {@code real} whose {@code method} throws a lost connection's 08006: before doing its work, or
     * after it when {@code after} (a commit that stored, then dropped the connection).
     */
    public static DataSource failing(DataSource real, String method, boolean after) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, m, args) -> {
                    Object result = invoke(real, m, args);
                    if (!m.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, cm, cargs) -> {
                                if (cm.getName().equals(method) && !after) {
                                    throw new SQLException("connection lost", "08006");
                                }
                                Object r = invoke(connection, cm, cargs);
                                if (cm.getName().equals(method)) {
                                    throw new SQLException("connection lost during " + method, "08006");
                                }
                                return r;
                            });
                });
    }

    private static Object invoke(Object target, Method m, Object[] args) throws Throwable {
        try {
            return m.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
