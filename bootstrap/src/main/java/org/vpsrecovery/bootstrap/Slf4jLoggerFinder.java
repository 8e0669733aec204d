package org.vpsrecovery.bootstrap;

import java.text.MessageFormat;
import java.util.Objects;
import java.util.ResourceBundle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends every {@link System.Logger} line (the application module's, which sees the JDK only) to SLF4J, so logback
 * writes it like any other line: its level, the request id from the MDC, the service's pattern. The JDK finds it as a
 * service ({@code META-INF/services/java.lang.System$LoggerFinder}).
 *
 * <p>Not slf4j-jdk-platform-logging: that bridge formats the {@code {0}} pattern and then also hands the parameters to
 * logback, which fills any SLF4J {@code {}} in the finished text with them again, so a provider's error text quoting
 * JSON was logged untrue (ADR 0073, amended in session 47). Here logback gets the finished text and no parameters.
 */
public final class Slf4jLoggerFinder extends System.LoggerFinder {

    public Slf4jLoggerFinder() {
        // the JDK makes it through ServiceLoader
    }

    @Override
    public System.Logger getLogger(String name, Module module) {
        return new Slf4jSystemLogger(LoggerFactory.getLogger(name));
    }

    /** One {@link System.Logger} over the SLF4J logger of the same name. */
    record Slf4jSystemLogger(Logger slf4j) implements System.Logger {

        Slf4jSystemLogger {
            Objects.requireNonNull(slf4j, "slf4j");
        }

        @Override
        public String getName() {
            return slf4j.getName();
        }

        @Override
        public boolean isLoggable(Level level) {
            org.slf4j.event.Level slf4jLevel = slf4jLevel(level);
            return slf4jLevel != null && slf4j.isEnabledForLevel(slf4jLevel);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
            if (isLoggable(level)) {
                slf4j.atLevel(slf4jLevel(level)).setCause(thrown).log(localized(bundle, msg));
            }
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... params) {
            if (isLoggable(level)) {
                slf4j.atLevel(slf4jLevel(level)).log(formatted(localized(bundle, format), params));
            }
        }

        /** As the JDK's own loggers: a pattern only when there are parameters, and kept as it is if malformed. */
        private static String formatted(String format, Object... params) {
            if (format == null || params == null || params.length == 0) {
                return format;
            }
            try {
                return MessageFormat.format(format, params);
            } catch (IllegalArgumentException malformed) {
                return format;
            }
        }

        private static String localized(ResourceBundle bundle, String key) {
            return bundle != null && key != null && bundle.containsKey(key) ? bundle.getString(key) : key;
        }

        /** {@code null} for OFF: nothing is logged at it. ({@code Level} alone is System.Logger's here.) */
        private static org.slf4j.event.Level slf4jLevel(System.Logger.Level level) {
            return switch (level) {
                case ALL, TRACE -> org.slf4j.event.Level.TRACE;
                case DEBUG -> org.slf4j.event.Level.DEBUG;
                case INFO -> org.slf4j.event.Level.INFO;
                case WARNING -> org.slf4j.event.Level.WARN;
                case ERROR -> org.slf4j.event.Level.ERROR;
                case OFF -> null;
            };
        }
    }
}
