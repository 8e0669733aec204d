package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.RecoverySource;
import org.vpsrecovery.domain.server.RestoreHold;
import org.vpsrecovery.domain.server.Server;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerRef;

/** {@code x_vpsr_restore} of a server another team's restore holds (ADR 0026, amended in session 38). */
class ServerStateJsonTest {

    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "");
    private static final TeamId BLUE = new TeamId("blue");
    private static final RestoreHold HOLD = new RestoreHold(WEB.id(), BLUE, UUID.fromString("0193a1b2-0000-7000-8000-000000000001"),
            Instant.parse("2026-12-05T10:00:00Z"), Instant.parse("2026-12-05T10:15:00Z"),
            new RecoverySource(RecoverySource.Kind.BACKUP, 499, new ServerId(12346)));

    @Test
    void anotherTeamsRestoreShowsItsWindowButNeitherItsOperationNorItsSource() {
        ServerStateJson json = ServerStateJson.of(Server.idle(WEB).beginRestore(HOLD), new TeamId("green"));

        assertThat(json.status()).isEqualTo("restoring");
        assertThat(json.restore().until()).isEqualTo("2026-12-05T10:15:00Z");
        assertThat(json.restore().operationId()).isNull();
        assertThat(json.restore().source()).isNull();
    }

    @Test
    void theTeamsOwnRestoreShowsItsOperationAndSource() {
        ServerStateJson json = ServerStateJson.of(Server.idle(WEB).beginRestore(HOLD), BLUE);

        assertThat(json.restore().operationId()).isEqualTo(HOLD.operation().toString());
        assertThat(json.restore().source().serverId()).isEqualTo(12346);
    }
}
