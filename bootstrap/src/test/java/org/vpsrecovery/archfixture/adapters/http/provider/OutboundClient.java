package org.vpsrecovery.archfixture.adapters.http.provider;

/** Stands in for the outbound VPS.org client, which an inbound adapter must not ask. */
public class OutboundClient {
    public static boolean notSent(RuntimeException failure) {
        return failure != null;
    }
}
