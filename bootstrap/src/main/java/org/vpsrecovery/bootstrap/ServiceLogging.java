package org.vpsrecovery.bootstrap;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.function.LongSupplier;

/**
 * The service's logging, set up in code (logback finds it as a {@link Configurator} service): one line per event on
 * standard output. It replaces the jar's logback.xml, whose reading loaded logback's XML configurator (~250 classes)
 * and the JDK's XML parser (~175) at every start, all of them in the AOT cache, which the JVM maps and links before
 * {@code main} (ADR 0073). An operator's own file ({@code -Dlogback.configurationFile=…}) and the tests'
 * logback-test.xml are still read by logback as before.
 */
public final class ServiceLogging extends ContextAwareBase implements Configurator {

    static final String PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] [request_id=%X{request_id}] %logger{36} - %msg%n";
    /** {@code -Dvpsr.jobs.log-level=DEBUG}: a line as each cluster job's run begins and ends (ClusterJobs). */
    static final String JOBS_LOG_LEVEL = "vpsr.jobs.log-level";

    public ServiceLogging() {
        // logback makes it through ServiceLoader
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || ServiceLogging.class.getClassLoader().getResource("logback-test.xml") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context, System.getProperty(JOBS_LOG_LEVEL, System.getenv(JOBS_LOG_LEVEL)));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    static void apply(LoggerContext context, String jobsLevel) {
        apply(context, jobsLevel, System::nanoTime);
    }

    /** {@code nanoTime}: the monotonic ticker the outage lines' intervals are measured on ({@link SchedulerLoopLines}). */
    static void apply(LoggerContext context, String jobsLevel, LongSupplier nanoTime) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("STDOUT");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        context.getLogger("io.zonky").setLevel(Level.WARN);
        context.getLogger("com.zaxxer.hikari").setLevel(Level.WARN);
        context.getLogger("org.flywaydb").setLevel(Level.WARN);
        context.getLogger(ClusterJobs.class.getName()).setLevel(Level.toLevel(jobsLevel, Level.INFO));
        // db-scheduler's loops logged a trace at every failure while the database was out of reach (ADR 0024, session 53).
        SchedulerLoopLines loops = new SchedulerLoopLines(context, nanoTime);
        loops.start();
        context.addTurboFilter(loops);
    }
}
