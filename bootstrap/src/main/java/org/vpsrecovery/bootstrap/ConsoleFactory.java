package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import java.time.Clock;
import java.time.Duration;
import org.vpsrecovery.application.session.SignInSessionsService;
import org.vpsrecovery.application.session.SignInSessionsUseCase;
import org.vpsrecovery.domain.port.SignInSessions;

/**
 * The web console's sessions (ADR 0041): idle for 30 minutes or 8 hours after sign-in, whichever
 * comes first, a session ends and its holder signs in again. Built when the context starts: a wrong
 * expiry stops the start with its key named (ADR 0021, amended in session 42), not the console with a 500.
 */
@Factory
public class ConsoleFactory {

    static final String IDLE_EXPIRY = "vpsr.console.idle-expiry";
    static final String ABSOLUTE_EXPIRY = "vpsr.console.absolute-expiry";

    @Context
    SignInSessionsUseCase signInSessions(SignInSessions sessions, Clock clock,
                                         @Value("${" + IDLE_EXPIRY + ":30m}") Duration idle,
                                         @Value("${" + ABSOLUTE_EXPIRY + ":8h}") Duration absolute) {
        checkExpiries(idle, absolute);
        return new SignInSessionsService(sessions, clock, idle, absolute);
    }

    static void checkExpiries(Duration idle, Duration absolute) {
        if (idle.isNegative() || idle.isZero()) {
            throw new StartupRefused(IDLE_EXPIRY + " must be positive, was " + idle);
        }
        if (absolute.compareTo(idle) < 0) {
            throw new StartupRefused(ABSOLUTE_EXPIRY + " must not be shorter than " + IDLE_EXPIRY + " (" + idle
                    + "), was " + absolute);
        }
    }
}
