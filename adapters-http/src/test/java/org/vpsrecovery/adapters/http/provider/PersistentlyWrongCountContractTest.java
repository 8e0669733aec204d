package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * Session 54: a {@code count} persistently larger than the pages hold failed every list after four reads, said at INFO
 * only, and the caller was told VPS.org "could not be reached". Now the give-up is a WARN (once in five minutes per
 * route) naming the route and the two numbers, never the token, and the failure is known answered. Real HTTP.
 */
class PersistentlyWrongCountContractTest {

    @Test
    void aCountPersistentlyWrongIsWarnedOnceNamingTheRouteAndBothNumbers() {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(VpsOrgClient.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        ProviderFailure first;
        ProviderFailure second;
        try {
            first = AdapterFailures.listInconsistent(424242);
            second = AdapterFailures.listInconsistent(424242);
        } finally {
            logger.detachAppender(lines);
        }

        for (ProviderFailure failure : new ProviderFailure[] {first, second}) {
            assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.UNAVAILABLE);
            assertThat(failure.answered()).isTrue();
            assertThat(failure.providerStatus()).isEmpty();
        }
        List<String> warnings = lines.list.stream().filter(line -> line.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(warnings).as("one WARN for both lists, spaced").hasSize(1);
        assertThat(warnings.getFirst()).contains("GET /api/v1/snapshots/?server_id=424242")
                .contains("list snapshots of server 424242").contains("4 reads")
                .contains("its pages listed 2 points, its count said 3").doesNotContain("demo-token");
    }
}
