package org.vpsrecovery.domain.port;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/** Sends a webhook over HTTP, and resolves the target's host for the SSRF guard. */
public interface WebhookTransport {

    /**
     * The host's addresses; empty when it does not resolve.
     *
     * @throws LookupNotStarted when the lookup waited its whole time behind others and never began
     */
    List<InetAddress> resolve(String host);

    /**
     * POSTs {@code body} as JSON with {@code headers}; never follows a redirect.
     *
     * @throws LookupNotStarted when the connection's lookup waited its whole time behind others: nothing was sent
     */
    Response post(WebhookTarget target, Map<String, String> headers, String body);

    /**
     * The host's lookup waited behind other lookups until its time ran out, and never began: nothing is known of this
     * host, so it is no failure of its receiver. The attempt is put off, not counted.
     */
    final class LookupNotStarted extends RuntimeException {
        public LookupNotStarted(String message) {
            super(message, null, false, false);
        }
    }

    /** The receiver answered with a status code, or no answer came (platform-written reason). */
    sealed interface Response {
    }

    /** What the receiver's status line said; HttpClient passes on any three digits, 600 and 999 included. */
    record Answered(int statusCode) implements Response {
        public boolean accepted() {
            return statusCode >= 200 && statusCode <= 299;
        }

        /** 100-599, the codes HTTP defines: anything else is not a status to keep or to show. */
        public boolean isHttpStatus() {
            return statusCode >= 100 && statusCode <= 599;
        }
    }

    record NoAnswer(String reason) implements Response {
        public NoAnswer {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
