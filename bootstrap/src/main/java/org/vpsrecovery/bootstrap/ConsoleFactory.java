package org.vpsrecovery.bootstrap;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import org.vpsrecovery.application.session.SignInSessionsService;
import org.vpsrecovery.application.session.SignInSessionsUseCase;
import org.vpsrecovery.domain.port.SignInSessions;

/**
 * The web console's sessions (ADR 0041): idle for 30 minutes or 8 hours after sign-in, whichever
 * comes first, a session ends and its holder signs in again.
 */
@Factory
public class ConsoleFactory {

    @Singleton
    SignInSessionsUseCase signInSessions(SignInSessions sessions, Clock clock,
                                         @Value("${vpsr.console.idle-expiry:30m}") Duration idle,
                                         @Value("${vpsr.console.absolute-expiry:8h}") Duration absolute) {
        return new SignInSessionsService(sessions, clock, idle, absolute);
    }
}
