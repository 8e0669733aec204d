package org.vpsrecovery.simulator;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One request to a running simulator over real HTTP, as VPS.org's clients send it: a JSON body (or none), a bearer
 * token (or none), an answer within 10 s.
 */
final class SimulatorRequest {

    private SimulatorRequest() {
    }

    /** {@code method target} on {@code simulator} through {@code http}; {@code body} and {@code token} may be null. */
    static HttpResponse<String> send(HttpClient http, VpsOrgSimulator simulator, String method, String target,
            String body, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(simulator.baseUri() + target))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
