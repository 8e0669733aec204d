package org.vpsrecovery.adapters.http.console;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Requires;
import java.time.Clock;
import java.time.Instant;
import org.vpsrecovery.application.session.SignInSessionsUseCase;

/**
 * When this instance loaded the configuration its console sessions are checked against (teams' and auditors' tokens,
 * people's JWT settings): as its context starts, right after they are read; a change to them is made by a restart
 * (ADR 0041, amended in session 50). A session this instance no longer honours is ended only if it was opened before
 * then: one opened later was opened by an instance restarted with a newer configuration, which this one lacks until
 * its own restart, and is kept for the instances that honour it.
 */
@Context
@Requires(beans = SignInSessionsUseCase.class)
public class ConfigurationLoaded {

    private final Instant at;

    public ConfigurationLoaded(Clock clock) {
        this.at = clock.instant();
    }

    /** Whether a session opened at {@code createdAt} was opened before this instance loaded its configuration. */
    boolean before(Instant createdAt) {
        return createdAt.isBefore(at);
    }
}
