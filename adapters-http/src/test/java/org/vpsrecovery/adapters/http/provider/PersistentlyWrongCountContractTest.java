package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * Session 54: a {@code count} persistently larger than the pages hold failed every list after four reads, said at INFO
 * only, and the caller was told VPS.org "could not be reached". Now the give-up is a WARN (once in five minutes per
 * route) naming the route and the two numbers, never the token, and the failure is known answered. Real HTTP.
 * Mended in session 54: the spacing was keyed on path and query, one key per server, so more servers failing than
 * keys remembered WARNed at every list; it is keyed on the route alone, per client.
 */
class PersistentlyWrongCountContractTest {

    /** Each server's list, in this order, through one client: all fail, their count saying 3 of 2 points. */
    private static List<ProviderFailure> listsInconsistent(long... servers) {
        String point = "{\"id\": %d, \"server\": {\"id\": 1, \"name\": \"web\"}, \"name\": \"s%d\", "
                + "\"status\": \"completed\", \"size_mb\": 1, \"created_at\": \"2025-01-15T18:30:00Z\"}";
        String page = "{\"count\": 3, \"next\": null, \"results\": [" + point.formatted(801, 801) + ", "
                + point.formatted(802, 802) + "]}";
        List<ProviderFailure> failures = new ArrayList<>();
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) -> LoopbackProvider.json(exchange, 200,
                page)); VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(),
                "demo-token"))) {
            for (long server : servers) {
                try {
                    client.listSnapshots(Optional.of(new org.vpsrecovery.domain.server.ServerId(server)));
                    throw new AssertionError("the list of server " + server + " did not fail");
                } catch (ProviderFailure failure) {
                    failures.add(failure);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return failures;
    }

    private static List<String> warningsWhile(Runnable lists) {
        ch.qos.logback.classic.Logger logger =
                (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(VpsOrgClient.class);
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            lists.run();
        } finally {
            logger.detachAppender(lines);
        }
        return lines.list.stream().filter(line -> line.getLevel() == Level.WARN)
                .map(ILoggingEvent::getFormattedMessage).toList();
    }

    /**
     * Several servers' lists failing within five minutes are one WARN for the route, naming the first, not one per server
     * (each server its own key before: past 256 servers, every list WARNed).
     */
    @Test
    void manyServersListsInconsistentAreOneWarnForTheRoute() {
        long[] servers = java.util.stream.LongStream.rangeClosed(610_001, 610_003).toArray();
        List<ProviderFailure> failures = new ArrayList<>();

        List<String> warnings = warningsWhile(() -> failures.addAll(listsInconsistent(servers)));

        assertThat(failures).hasSize(3);
        assertThat(warnings).as("one WARN for the route").hasSize(1);
        assertThat(warnings.getFirst()).contains("GET /api/v1/snapshots/?server_id=610001")
                .contains("list snapshots of server 610001");
    }

    @Test
    void aCountPersistentlyWrongIsWarnedOnceNamingTheRouteAndBothNumbers() {
        List<ProviderFailure> failures = new ArrayList<>();

        List<String> warnings = warningsWhile(() -> failures.addAll(listsInconsistent(424242, 424242)));

        assertThat(failures).hasSize(2);
        for (ProviderFailure failure : failures) {
            assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.UNAVAILABLE);
            assertThat(failure.answered()).isTrue();
            assertThat(failure.providerStatus()).isEmpty();
        }
        assertThat(warnings).as("one WARN for both lists, spaced").hasSize(1);
        assertThat(warnings.getFirst()).contains("GET /api/v1/snapshots/?server_id=424242")
                .contains("list snapshots of server 424242").contains("4 reads")
                .contains("its pages listed 2 points, its count said 3").doesNotContain("demo-token");
    }
}
