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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
                // Straight to the address the guard judged: a proxy would resolve the host itself.
                .proxy(HttpClient.Builder.NO_PROXY)
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
        // The request's timeout ends at the answer's headers; the whole exchange, body included, is
        // bounded here too, so a receiver trickling its body cannot hold a scheduler thread.
        CompletableFuture<HttpResponse<Void>> exchange;
        try {
            exchange = client.sendAsync(request.build(), HttpResponse.BodyHandlers.discarding());
        } catch (IllegalArgumentException unusable) {
            return new NoAnswer("the request could not be made: " + unusable.getMessage());
        }
        long whole = client.connectTimeout().orElseThrow().plus(answerTimeout).toMillis();
        try {
            HttpResponse<Void> response = exchange.get(whole, TimeUnit.MILLISECONDS);
            return new Answered(response.statusCode());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return new NoAnswer("no whole answer within " + whole + " ms");
        } catch (ExecutionException failed) {
            return failure(failed.getCause());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return new NoAnswer("interrupted: the platform is stopping");
        }
    }

    private Response failure(Throwable cause) {
        return switch (cause) {
            case HttpConnectTimeoutException e ->
                    new NoAnswer("connect timeout after " + client.connectTimeout().orElseThrow().toMillis() + " ms");
            case HttpTimeoutException e -> new NoAnswer("no answer within " + answerTimeout.toMillis() + " ms");
            case ConnectException e -> new NoAnswer("connection refused");
            case IOException e -> new NoAnswer("connection failed (" + e.getClass().getSimpleName() + ")");
            default -> new NoAnswer("the request failed (" + cause.getClass().getSimpleName() + ")");
        };
    }

    @Override
    public void close() {
        client.close();
        executor.close();
    }
}
