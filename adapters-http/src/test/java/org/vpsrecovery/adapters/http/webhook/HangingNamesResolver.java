package org.vpsrecovery.adapters.http.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The JVM's resolver in this module's tests (registered in META-INF/services): {@code hang<n>.example} hangs like a
 * black-holed domain until the test releases it, then does not resolve; every other name goes to the JDK's own. A lookup
 * that hangs cannot be interrupted, as the system resolver's cannot.
 */
public final class HangingNamesResolver extends InetAddressResolverProvider {

    private static final Pattern HANGS = Pattern.compile("hang\\d*\\.example");

    /** One permit per lookup that has begun to hang. */
    static final Semaphore HANGING = new Semaphore(0);
    private static volatile CountDownLatch release = new CountDownLatch(1);

    /** Lets every hanging lookup end (not resolving), and makes later ones hang again. */
    static void releaseAll() {
        CountDownLatch was = release;
        release = new CountDownLatch(1);
        was.countDown();
        HANGING.drainPermits();
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver builtin = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                if (HANGS.matcher(host).matches()) {
                    CountDownLatch until = release;
                    HANGING.release();
                    boolean interrupted = false;
                    while (true) {
                        try {
                            until.await();
                            break;
                        } catch (InterruptedException e) {
                            interrupted = true; // as the system resolver: an interrupt does not end the lookup
                        }
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UnknownHostException(host);
                }
                return builtin.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                return builtin.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "hanging-names-for-tests";
    }
}
