package org.vpsrecovery.application.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.port.WebhookTransport;
import org.vpsrecovery.domain.webhook.WebhookTarget;

/**
 * A receiver that answers what the test scripts and keeps what it was sent. Hosts resolve through
 * the JDK (the tests use IP literals and names they map here, as a DNS would answer them).
 */
final class ScriptedReceiver implements WebhookTransport {

    record Received(WebhookTarget target, Map<String, String> headers, String body) {
    }

    final List<Received> received = new ArrayList<>();
    private final Deque<Response> answers = new ArrayDeque<>();
    private final Map<String, String> dns;

    ScriptedReceiver(Map<String, String> dns) {
        this.dns = dns;
    }

    ScriptedReceiver answering(Response... next) {
        answers.addAll(Arrays.asList(next));
        return this;
    }

    @Override
    public List<InetAddress> resolve(TeamId team, String host) {
        try {
            return Arrays.asList(InetAddress.getAllByName(dns.getOrDefault(host, host)));
        } catch (UnknownHostException e) {
            return List.of();
        }
    }

    @Override
    public Response post(TeamId team, WebhookTarget target, Map<String, String> headers, String body) {
        received.add(new Received(target, Map.copyOf(headers), body));
        return answers.isEmpty() ? new Answered(204) : answers.poll();
    }
}
