package org.vpsrecovery.adapters.persistence;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import javax.sql.DataSource;

/**
 * The JDBC calls one writer's connections saw, on a real database: statements prepared (named by their first words),
 * transactions opened, commits. Every call goes on to the real connection, which does the work.
 */
final class ObservedWriterCalls {

    private final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    /** At each {@code commit()}, the events another session already saw (empty when not asked to look). */
    final List<Long> visibleAtCommit = Collections.synchronizedList(new ArrayList<>());
    private final int wordsNamed;
    private DataSource outside;

    /** @param wordsNamed how many of a prepared statement's first words name it in {@link #takeAll()} */
    ObservedWriterCalls(int wordsNamed) {
        this.wordsNamed = wordsNamed;
    }

    /** Looks, from a session of {@code other}, at what was committed each time the writer calls commit(). */
    ObservedWriterCalls lookingFrom(DataSource other) {
        this.outside = other;
        return this;
    }

    DataSource around(DataSource real) {
        return (DataSource) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    return method.getName().equals("getConnection") ? observed((Connection) result) : result;
                });
    }

    /** The calls seen since the last take. */
    List<String> takeAll() {
        synchronized (calls) {
            List<String> taken = List.copyOf(calls);
            calls.clear();
            return taken;
        }
    }

    static long eventsIn(DataSource dataSource) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM audit_event")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection observed(Connection real) {
        return (Connection) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "prepareStatement" -> {
                            String[] words = ((String) args[0]).strip().split("\\s+");
                            List<String> named = Arrays.asList(words).subList(0, Math.min(wordsNamed, words.length));
                            calls.add("prepare " + String.join(" ", named));
                        }
                        case "setAutoCommit" -> {
                            if (!(Boolean) args[0]) {
                                calls.add("begin");
                            }
                        }
                        case "commit" -> {
                            calls.add("commit");
                            if (outside != null) {
                                visibleAtCommit.add(eventsIn(outside));
                            }
                        }
                        default -> { }
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
