package org.vpsrecovery.adapters.http.webhook;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * Webhooks over the JDK's HTTP client: one client (its connection pool shared by every delivery),
 * a bounded connect time and a bounded time for the whole answer, redirects never followed (a 3xx
 * could point at an address the SSRF guard refuses). The receiver's body is read and dropped.
 */
public final class JdkWebhookTransport implements WebhookTransport, AutoCloseable {

    private final HttpClient client;
    private final ExecutorService executor;
    private final Duration answerTimeout;

    public JdkWebhookTransport(Duration connectTimeout, Duration answerTimeout) {
        this.answerTimeout = Objects.requireNonNull(answerTimeout, "answer timeout");
        this.executor = Executors.newVirtualThreadPerTaskExecutor();
        this.client = HttpClient.newBuilder()
                .connectTimeout(Objects.requireNonNull(connectTimeout, "connect timeout"))
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .executor(executor)
                .build();
    }

    /**
     * The JDK resolver: it caches each answer for {@code networkaddress.cache.ttl} (30 s by default),
     * so the connection made right after the guard's check uses the addresses the guard judged.
     */
    @Override
    public List<InetAddress> resolve(String host) {
        try {
            return Arrays.asList(InetAddress.getAllByName(host));
        } catch (UnknownHostException | SecurityException e) {
            return List.of();
        }
    }

    @Override
    public Response post(WebhookTarget target, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.uri())
                .timeout(answerTimeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        try {
            HttpResponse<Void> response = client.send(request.build(), HttpResponse.BodyHandlers.discarding());
            return new Answered(response.statusCode());
        } catch (HttpConnectTimeoutException e) {
            return new NoAnswer("connect timeout after " + client.connectTimeout().orElseThrow().toMillis() + " ms");
        } catch (HttpTimeoutException e) {
            return new NoAnswer("no answer within " + answerTimeout.toMillis() + " ms");
        } catch (ConnectException e) {
            return new NoAnswer("connection refused");
        } catch (IOException e) {
            return new NoAnswer("connection failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NoAnswer("interrupted: the platform is stopping");
        }
    }

    @Override
    public void close() {
        client.close();
        executor.close();
    }
}
