package org.vpsrecovery.bootstrap.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.vpsrecovery.bootstrap.process.ServiceProcess;

/**
 * A caller of the platform's API over real HTTP/1.1, timing each answer. Its timeout is long on
 * purpose: the service's own bounds are under test, not this client's.
 */
final class PlatformClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .executor(executor)
            .build();
    private final String token;

    PlatformClient(String token) {
        this.token = token;
    }

    Answer createSnapshot(ServiceProcess service, long serverId, String name, String requestId) {
        return send(service, "POST", "/api/v1/snapshots/", "{\"server_id\": " + serverId + ", \"name\": \"" + name + "\"}",
                requestId);
    }

    Answer deleteSnapshot(ServiceProcess service, long snapshotId, String requestId) {
        return send(service, "DELETE", "/api/v1/snapshots/" + snapshotId + "/", null, requestId);
    }

    Answer listSnapshots(ServiceProcess service, long serverId, String requestId) {
        return send(service, "GET", "/api/v1/snapshots/?server_id=" + serverId, null, requestId);
    }

    /**
     * One request with {@code X-Request-Id: requestId}. A connection that fails (the process was
     * killed) throws {@link UncheckedIOException}: the caller got no answer.
     */
    Answer send(ServiceProcess service, String method, String path, String jsonBody, String requestId) {
        return send(service.baseUrl(), method, path, jsonBody, requestId);
    }

    Answer send(URI baseUrl, String method, String path, String jsonBody, String requestId) {
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + token)
                .header("X-Request-Id", requestId)
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody));
        if (jsonBody != null) {
            request.header("Content-Type", "application/json");
        }
        long started = System.nanoTime();
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return Answer.of(requestId, method + " " + path, response, Duration.ofNanos(System.nanoTime() - started));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + " [" + requestId + "] got no answer", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        http.close();
        executor.close();
    }
}
