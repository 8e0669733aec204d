package org.vpsrecovery.application.provider;

/**
 * What goes with a caller's work when another thread runs it later: the caller's context (in the service, its
 * request's id in the log lines). The application knows no framework: the composition root says what the context is.
 */
@FunctionalInterface
public interface CallersContext {

    /** No context to carry: a task runs under whatever the thread running it has. */
    CallersContext NONE = task -> task;

    /** {@code task}, to be run under the context of the thread calling this, whichever thread runs it. */
    Runnable carrying(Runnable task);
}
