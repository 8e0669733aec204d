package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.CreationStatus;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;
import org.vpsrecovery.domain.snapshot.Snapshot;
import org.vpsrecovery.domain.snapshot.SnapshotId;

class SnapshotListJsonTest {

    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");
    private static final TeamId BLUE = new TeamId("blue");
    private static final TeamId GREEN = new TeamId("green");

    private final JsonMapper json = JsonMapper.createDefault();
    private final SnapshotListJson lists = new SnapshotListJson(json);

    private static Snapshot snapshot(long id, CreationStatus status, OptionalLong size) {
        return new Snapshot(new SnapshotId(id), WEB, "snapshot-" + id, status, size,
                Instant.parse("2026-12-02T18:48:47Z"), "");
    }

    private static final Snapshot COMPLETED = snapshot(801, CreationStatus.COMPLETED, OptionalLong.of(5120));
    private static final Snapshot IN_PROGRESS = snapshot(802, CreationStatus.IN_PROGRESS, OptionalLong.empty());

    private Map<?, ?> parsed(byte[] encoded) throws Exception {
        return json.readValue(encoded, Map.class);
    }

    @Test
    void writesVpsOrgsListShape() throws Exception {
        byte[] encoded = lists.of(BLUE, List.of(COMPLETED, IN_PROGRESS));

        assertThat(new String(encoded, StandardCharsets.UTF_8)).isEqualTo("{\"count\":2,\"results\":["
                + "{\"id\":801,\"server\":{\"id\":12345,\"name\":\"web-server-01\"},\"name\":\"snapshot-801\","
                + "\"status\":\"completed\",\"size_mb\":5120,\"created_at\":\"2026-12-02T18:48:47Z\",\"description\":\"\"},"
                + "{\"id\":802,\"server\":{\"id\":12345,\"name\":\"web-server-01\"},\"name\":\"snapshot-802\","
                + "\"status\":\"in_progress\",\"size_mb\":null,\"created_at\":\"2026-12-02T18:48:47Z\",\"description\":\"\"}]}");
        assertThat(lists.of(BLUE, List.of())).asString(StandardCharsets.UTF_8).isEqualTo("{\"count\":0,\"results\":[]}");
    }

    @Test
    void callersGettingAnEqualListShareOneEncoding() {
        byte[] first = lists.of(BLUE, List.of(COMPLETED, IN_PROGRESS));
        // Another read's list, equal in value (as the callers of one shared read get, each filtered to the team).
        byte[] second = lists.of(BLUE, new ArrayList<>(List.of(snapshot(801, CreationStatus.COMPLETED, OptionalLong.of(5120)),
                snapshot(802, CreationStatus.IN_PROGRESS, OptionalLong.empty()))));

        assertThat(second).isSameAs(first);
    }

    @Test
    void aChangedListIsEncodedAnewNeverAnsweredWithTheLastOne() throws Exception {
        lists.of(BLUE, List.of(COMPLETED, IN_PROGRESS));

        Snapshot completedNow = snapshot(802, CreationStatus.COMPLETED, OptionalLong.of(64));
        Map<?, ?> changed = parsed(lists.of(BLUE, List.of(COMPLETED, completedNow)));
        assertThat(changed.get("count")).isEqualTo(2);
        assertThat((List<Map<?, ?>>) changed.get("results")).extracting(r -> r.get("status"), r -> r.get("size_mb"))
                .containsExactly(tuple("completed", 5120),
                        tuple("completed", 64));

        assertThat(parsed(lists.of(BLUE, List.of(COMPLETED))).get("count")).isEqualTo(1);
        assertThat(parsed(lists.of(BLUE, List.of(COMPLETED, IN_PROGRESS))).get("count")).isEqualTo(2);
    }

    @Test
    void eachTeamIsAnsweredItsOwnList() throws Exception {
        byte[] blue = lists.of(BLUE, List.of(COMPLETED, IN_PROGRESS));
        Map<?, ?> green = parsed(lists.of(GREEN, List.of()));

        assertThat(green.get("count")).isEqualTo(0);
        assertThat(lists.of(BLUE, List.of(COMPLETED, IN_PROGRESS))).isSameAs(blue);
    }

    @Test
    void aListChangedByItsCallerAfterwardsDoesNotChangeTheRememberedOne() throws Exception {
        List<Snapshot> mutable = new ArrayList<>(List.of(COMPLETED));
        lists.of(BLUE, mutable);
        mutable.add(IN_PROGRESS);

        assertThat(parsed(lists.of(BLUE, List.of(COMPLETED))).get("count")).isEqualTo(1);
        assertThat(parsed(lists.of(BLUE, mutable)).get("count")).isEqualTo(2);
    }
}
