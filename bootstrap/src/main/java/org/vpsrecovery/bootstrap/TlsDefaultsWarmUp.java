package org.vpsrecovery.bootstrap;

import java.security.GeneralSecurityException;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;

/**
 * Builds the JDK's default TLS context on a thread of its own while {@link Application#main} reads the deployment and
 * Micronaut starts (ADR 0133). The VPS.org client builds its Netty SSL context as the context starts, on the main
 * thread, whatever the base URL's scheme; most of that is the JDK's one-time work (the JSSE providers loaded, the
 * trust store read), which the JDK keeps for the next context. Done here first, beside the main thread.
 *
 * <p>A failure here changes nothing: the client builds its own context as before and fails there, with its message.
 */
final class TlsDefaultsWarmUp {

    static final String THREAD_NAME = "vpsr-tls-warm-up";

    private final Thread thread;
    // Kept until the context has started: the JDK caches the trust store's certificates through weak references,
    // which this context's trust manager keeps reachable.
    private final AtomicReference<SSLContext> built = new AtomicReference<>();

    private TlsDefaultsWarmUp() {
        thread = Thread.ofPlatform().name(THREAD_NAME).daemon().unstarted(this::build);
    }

    static TlsDefaultsWarmUp start() {
        TlsDefaultsWarmUp warmUp = new TlsDefaultsWarmUp();
        warmUp.thread.start();
        return warmUp;
    }

    private void build() {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, null, null);
            context.createSSLEngine();
            built.set(context);
        } catch (GeneralSecurityException | RuntimeException unavailable) {
            // The client's own attempt says what is wrong, on the main thread.
        }
    }

    /** Whether the context was built, waiting for the thread at most {@code millis} (tests). */
    boolean built(long millis) throws InterruptedException {
        thread.join(millis);
        return built.get() != null;
    }

    Thread thread() {
        return thread;
    }

    /** The context has started: the warmed context may go. */
    void release() {
        built.set(null);
    }
}
