package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class ServiceLoggingTest {

    @Test
    void logbackFindsItAsAConfigurator() {
        assertThat(ServiceLoader.load(Configurator.class).stream().map(ServiceLoader.Provider::type))
                .contains(ServiceLogging.class);
    }

    @Test
    void oneLineAnEventOnStandardOutputWithTheRequestId() {
        LoggerContext context = new LoggerContext();
        ServiceLogging.apply(context, null);

        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        ConsoleAppender<ILoggingEvent> console = (ConsoleAppender<ILoggingEvent>) root.getAppender("STDOUT");
        assertThat(console.isStarted()).isTrue();
        PatternLayoutEncoder encoder = (PatternLayoutEncoder) console.getEncoder();
        Logger logger = context.getLogger("org.vpsrecovery.example.Something");
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.WARN, "it happened", null, null);
        event.setMDCPropertyMap(Map.of("request_id", "r-1"));
        String line = new String(encoder.encode(event), StandardCharsets.UTF_8);
        assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z WARN  \\[[^]]+\\] "
                + "\\[request_id=r-1\\] org\\.vpsrecovery\\.example\\.Something - it happened\\R");
    }

    @Test
    void theEmbeddedPartsAndThePoolSayOnlyWarnings() {
        LoggerContext context = new LoggerContext();
        ServiceLogging.apply(context, null);

        assertThat(context.getLogger("io.zonky.test.db").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("com.zaxxer.hikari.pool.HikariPool").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.flywaydb.core.Flyway").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("org.vpsrecovery.bootstrap.Application").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void theClusterJobsLevelIsTheSettingsAndInfoWhenItIsNoLevel() {
        LoggerContext debug = new LoggerContext();
        ServiceLogging.apply(debug, "DEBUG");
        assertThat(debug.getLogger(ClusterJobs.class).getLevel()).isEqualTo(Level.DEBUG);

        LoggerContext unset = new LoggerContext();
        ServiceLogging.apply(unset, null);
        assertThat(unset.getLogger(ClusterJobs.class).getLevel()).isEqualTo(Level.INFO);

        LoggerContext wrong = new LoggerContext();
        ServiceLogging.apply(wrong, "LOUD");
        assertThat(wrong.getLogger(ClusterJobs.class).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aLogbackTestFileOnTheClassPathIsLeftToLogback() {
        // bootstrap's tests carry logback-test.xml, as an operator's -Dlogback.configurationFile is left to logback too.
        assertThat(new ServiceLogging().configure(new LoggerContext())).isEqualTo(Configurator.ExecutionStatus.INVOKE_NEXT_IF_ANY);
    }
}
