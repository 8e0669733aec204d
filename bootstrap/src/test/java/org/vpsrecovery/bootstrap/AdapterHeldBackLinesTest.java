package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.context.ApplicationContext;
import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpStatus;
import java.net.URI;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.facade.FacadeExceptionHandlers;
import org.vpsrecovery.adapters.http.facade.FacadeProblems;
import org.vpsrecovery.adapters.http.provider.ApiToken;
import org.vpsrecovery.adapters.http.provider.VpsOrgClient;
import org.vpsrecovery.adapters.http.provider.VpsOrgSettings;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * The HTTP adapter's folded lines say what they held back at the instance's stop, from the context's stop event: the
 * VPS.org client already closed (its destroy come first) changes nothing (ADR 0025, amended in session 56). Before, a
 * count held back after a line's last was said by no line.
 */
class AdapterHeldBackLinesTest {

    @Test
    void theStopEventSaysTheRefusalsHeldBackWhateverTheClientsCloseDidFirst() {
        Logger handlers = (Logger) LoggerFactory.getLogger(FacadeExceptionHandlers.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        handlers.addAppender(appender);
        try (ApplicationContext context = ApplicationContext.builder().build()) {
            ProviderFailure outOfTime = ProviderFailure.neverSent(ProviderFailure.NotSent.OUT_OF_REQUEST_TIME,
                    "too little of the request's time was left", Optional.empty(), null);
            // Said, then held back: the second refusal is in no line yet.
            for (int i = 0; i < 2; i++) {
                FacadeProblems.logIfOurs(handlers, HttpRequest.GET("/api/v1/servers/"), HttpStatus.SERVICE_UNAVAILABLE,
                        outOfTime);
            }
            VpsOrgClient client = VpsOrgClient.connect(VpsOrgSettings.defaults(URI.create("http://127.0.0.1:9/"),
                    new ApiToken("not-a-real-token")));
            AdapterHeldBackLines lines = new AdapterHeldBackLines(client);
            client.close();

            lines.sayHeldLinesAtStop(new ShutdownEvent(context));

            assertThat(appender.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains("more request(s) answered PROVIDER_UNAVAILABLE",
                            "OUT_OF_REQUEST_TIME", "said as this instance stops"));
        } finally {
            handlers.detachAppender(appender);
        }
    }
}
