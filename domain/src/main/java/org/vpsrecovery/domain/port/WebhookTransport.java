package org.vpsrecovery.domain.port;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/** Sends a webhook over HTTP, and resolves the target's host for the SSRF guard. */
public interface WebhookTransport {

    /** The host's addresses; empty when it does not resolve. */
    List<InetAddress> resolve(String host);

    /** POSTs {@code body} as JSON with {@code headers}; never follows a redirect. */
    Response post(WebhookTarget target, Map<String, String> headers, String body);

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
