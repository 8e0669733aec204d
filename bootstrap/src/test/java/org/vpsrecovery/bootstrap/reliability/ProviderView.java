package org.vpsrecovery.bootstrap.reliability;

import io.micronaut.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * VPS.org's state as the provider itself shows it: the simulator's own API read with its token,
 * past the platform. Call it with the simulator's faults cleared.
 */
final class ProviderView {

    private static final JsonMapper JSON = JsonMapper.createDefault();

    private final VpsOrgSimulator simulator;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    ProviderView(VpsOrgSimulator simulator) {
        this.simulator = simulator;
    }

    /** Snapshot id to name, of one server. */
    @SuppressWarnings("unchecked")
    Map<Long, String> snapshots(long serverId) {
        HttpRequest request = HttpRequest.newBuilder(simulator.baseUri().resolve("/api/v1/snapshots/?server_id=" + serverId))
                .header("Authorization", "Bearer " + VpsOrgSimulator.DEMO_TOKEN)
                .timeout(Duration.ofSeconds(10))
                .GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("the simulator answered " + response.statusCode() + ": " + response.body());
            }
            Map<Long, String> snapshots = new TreeMap<>();
            for (Map<String, Object> snapshot : (List<Map<String, Object>>) JSON.readValue(response.body(), Map.class)
                    .get("results")) {
                snapshots.put(((Number) snapshot.get("id")).longValue(), (String) snapshot.get("name"));
            }
            return snapshots;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
