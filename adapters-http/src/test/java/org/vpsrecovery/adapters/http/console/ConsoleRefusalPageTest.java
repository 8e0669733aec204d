package org.vpsrecovery.adapters.http.console;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.views.ModelAndView;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.vpsrecovery.adapters.http.facade.RequestAttributes;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.port.ProviderFailure;

/**
 * A refusal shown on a console page says what the API's problem says, and a 5xx one is logged as the API logs it. The
 * page showed the failure's own message: for VPS.org refusing the platform's token, "(HTTP 401) ...; check
 * vpsorg.api-token", an operator's setting told to any signed-in team, where the API says "operators have been told";
 * and it logged nothing (session 44).
 */
class ConsoleRefusalPageTest {

    /** As ProviderFailures makes it of VPS.org's 401. */
    private static final ProviderFailure TOKEN_REFUSED = new ProviderFailure(ProviderFailure.Kind.UNAUTHORIZED,
            "VPS.org did not accept the platform's API token (HTTP 401) while trying to list snapshots; check "
                    + "vpsorg.api-token", OptionalInt.of(401), Optional.empty(), null);

    /** Only the clock is read by the error route. */
    private final ConsoleController console = new ConsoleController(null, null, null, null, null, null, null, null, null,
            null, null, null, null, Clock.systemUTC(), null);

    @Test
    void aRefusalByVpsOrgOfThePlatformsTokenShowsTheApisDetailAndIsLoggedAtWarn() {
        var logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConsoleController.class);
        var appender = new ListAppender<ILoggingEvent>();
        appender.start();
        logger.addAppender(appender);
        try {
            HttpRequest<?> request = HttpRequest.GET("/console/snapshots");
            request.setAttribute(RequestAttributes.REQUEST_ID, new RequestId("console-req-9"));

            HttpResponse<?> page = console.failed(request, TOKEN_REFUSED);

            assertThat(page.getStatus().getCode()).isEqualTo(502);
            ConsoleViews.Problem shown = (ConsoleViews.Problem) ((Map<?, ?>) ((ModelAndView<?>) page.body()).getModel()
                    .orElseThrow()).get("page");
            assertThat(shown.detail()).contains("operators have been told", "PROVIDER_UNAUTHORIZED")
                    .doesNotContain("vpsorg.api-token", "HTTP 401");
            assertThat(appender.list).singleElement().satisfies(event -> {
                assertThat(event.getLevel()).isEqualTo(Level.WARN);
                assertThat(event.getMDCPropertyMap()).containsEntry("request_id", "console-req-9");
                assertThat(event.getFormattedMessage()).contains("GET /console/snapshots answered 502 "
                        + "PROVIDER_UNAUTHORIZED", "check vpsorg.api-token");
            });
        } finally {
            logger.detachAppender(appender);
        }
    }
}
