import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.ResourceRef;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.drift.AuditedPointsTally;
import org.vpsrecovery.domain.server.ServerId;

/**
 * The heap the drift scan's kept tally takes an attempt (ADR 0114: up to {@code vpsr.drift.kept-attempts} of
 * them live between scans). Feeds N completed creates, three events each shaped as read from the database (their
 * own strings, UUID attempt ids), then prints the heap held after full collections, and what a scan's copy adds.
 * Run after a build: {@code java -XX:+UseSerialGC -cp domain/target/classes benchmarks/DriftTallyHeap.java 100000}.
 */
public class DriftTallyHeap {

    public static void main(String[] args) throws InterruptedException {
        int attempts = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        TeamId team = new TeamId("blue");
        ServerId server = new ServerId(4242L);
        long before = heldHeap();
        AuditedPointsTally tally = new AuditedPointsTally();
        for (int i = 0; i < attempts; i++) {
            String attempt = UUID.randomUUID().toString();
            boolean snapshot = i % 2 == 0;
            Operation create = snapshot ? Operation.CREATE_SNAPSHOT : Operation.CREATE_MANUAL_BACKUP;
            ResourceRef.Type type = snapshot ? ResourceRef.Type.SNAPSHOT : ResourceRef.Type.BACKUP;
            Map<String, String> intent = new HashMap<>();
            intent.put(AuditEvent.ATTEMPT_ID, new String(attempt));
            intent.put(snapshot ? AuditEvent.NAME : AuditEvent.DESCRIPTION, "nightly-2026-12-04-" + i);
            tally.add(event(team, server, i, create, Optional.empty(), new Outcome.Accepted(), intent));
            for (Outcome outcome : new Outcome[] {new Outcome.Submitted(), new Outcome.Completed()}) {
                Map<String, String> detail = new HashMap<>();
                detail.put(AuditEvent.ATTEMPT_ID, new String(attempt));
                tally.add(event(team, server, i, create, Optional.of(new ResourceRef(type, 10_000_000L + i)), outcome, detail));
            }
        }
        long held = heldHeap() - before;
        System.out.printf("%,d attempts: %.1f MB held, %d bytes an attempt%n", tally.attempts(), held / 1e6, held / attempts);
        AuditedPointsTally copy = tally.copy();
        long copied = heldHeap() - before - held;
        System.out.printf("a scan's copy: +%.1f MB, %d bytes an attempt%n", copied / 1e6, copied / attempts);
        System.out.printf("(%d points made)%n", copy.points().made().size());
    }

    private static AuditEvent event(TeamId team, ServerId server, int i, Operation operation, Optional<ResourceRef> point,
            Outcome outcome, Map<String, String> detail) {
        return new AuditEvent(Instant.now(), team, new RequestId("req-" + i), operation, Optional.of(server), point, outcome,
                OptionalInt.empty(), detail);
    }

    private static long heldHeap() throws InterruptedException {
        Runtime runtime = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
