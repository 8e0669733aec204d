package org.vpsrecovery.archfixture.adapters.http.facade;

import org.vpsrecovery.archfixture.adapters.http.provider.OutboundClient;

/** Breaks "the inbound adapters read a provider failure, never the outbound client": the facade asks the client. */
public class AskingTheClient {
    String detail(RuntimeException failure) {
        return OutboundClient.notSent(failure) ? "not sent" : "failed";
    }
}
