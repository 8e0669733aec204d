package org.vpsrecovery.simulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The provider's JSON for the simulator's objects at a given moment, fields in the spec's examples' order. */
final class ProviderJson {

    private ProviderJson() {
    }

    static ObjectNode snapshot(Snapshot s, Instant now) {
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("id", s.id());
        node.set("server", server(s.server()));
        node.put("name", s.name());
        putProgress(node, s.progress(), now);
        node.put("created_at", timestamp(s.createdAt()));
        node.put("description", s.description());
        return node;
    }

    static ObjectNode backup(Backup b, Instant now) {
        ObjectNode node = Answer.JSON.createObjectNode();
        node.put("id", b.id());
        node.set("server", server(b.server()));
        node.put("backup_type", b.type());
        putProgress(node, b.progress(), now);
        node.put("created_at", timestamp(b.createdAt()));
        node.put("expires_at", b.expiresAt() == null ? null : timestamp(b.expiresAt()));
        node.put("description", b.description());
        return node;
    }

    /**
     * A restore's answer: {@code {"status": "success", "message": ..., "snapshot"|"backup": {...},
     * "server": {..., "status": "restoring"}}}. The Servers API's is assumed to mirror the snapshot's.
     */
    static ObjectNode restoreStarted(RecoveryPoint point, Server target) {
        ObjectNode answer = Answer.JSON.createObjectNode();
        answer.put("status", "success");
        // VPS.org documents 5-15 minutes for a snapshot restore only; a backup's is "slower, varies".
        answer.put("message", point instanceof Snapshot ? "Server is being restored from snapshot. This may take 5-15 minutes."
                : "Server is being restored from backup. This takes longer than a restore from a snapshot, and varies.");
        ObjectNode summary = answer.putObject(point.kind()).put("id", point.id());
        switch (point) {
            case Snapshot s -> summary.put("name", s.name());
            case Backup b -> summary.put("backup_type", b.type());
        }
        summary.put("created_at", timestamp(point.createdAt()));
        answer.set("server", server(target).put("status", Server.RESTORING)); // just stopped, whatever the delay
        return answer;
    }

    /** A restore's answer as a queued job's: {@code {"status": "accepted"}} and nothing else (UndocumentedAnswers). */
    static ObjectNode restoreAccepted() {
        return Answer.JSON.createObjectNode().put("status", "accepted");
    }

    private static ObjectNode server(Server server) {
        return Answer.JSON.createObjectNode().put("id", server.id()).put("name", server.name());
    }

    private static void putProgress(ObjectNode node, CreationProgress progress, Instant now) {
        node.put("status", progress.statusAt(now));
        node.put("size_mb", progress.sizeMbAt(now));
    }

    private static String timestamp(Instant instant) {
        return instant.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
