package org.vpsrecovery.adapters.persistence.testing;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.function.Predicate;
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

    /**
     * Connections of {@code real} whose statements lose their connection (08006), each SQL text asked once per statement
     * prepared: after running, committed on their own, when {@code answerLost} accepts it (a commit whose answer was
     * lost); before running when {@code neverRun} does.
     */
    public static DataSource losingStatements(DataSource real, Predicate<String> answerLost, Predicate<String> neverRun) {
        return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, m, args) -> {
                    Object result = invoke(real, m, args);
                    if (!m.getName().equals("getConnection")) {
                        return result;
                    }
                    Connection connection = (Connection) result;
                    return Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                            (p, cm, cargs) -> {
                                Object r = invoke(connection, cm, cargs);
                                if (!cm.getName().equals("prepareStatement")) {
                                    return r;
                                }
                                boolean afterRunning = answerLost.test((String) cargs[0]);
                                if (!afterRunning && !neverRun.test((String) cargs[0])) {
                                    return r;
                                }
                                PreparedStatement statement = (PreparedStatement) r;
                                return Proxy.newProxyInstance(PreparedStatement.class.getClassLoader(),
                                        new Class<?>[] {PreparedStatement.class}, (sp, sm, sargs) -> {
                                            boolean runs = sm.getName().startsWith("execute");
                                            if (runs && !afterRunning) {
                                                throw new SQLException("connection lost", "08006");
                                            }
                                            Object answer = invoke(statement, sm, sargs);
                                            if (runs) {
                                                throw new SQLException("connection lost after " + sm.getName(), "08006");
                                            }
                                            return answer;
                                        });
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
