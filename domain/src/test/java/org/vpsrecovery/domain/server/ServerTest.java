package org.vpsrecovery.domain.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.ReasonCode;
import org.vpsrecovery.domain.common.RecoveryDenied;

class ServerTest {

    private static final ServerRef WEB = new ServerRef(new ServerId(12345), "web-server-01");

    @Test
    void aServerGoesToRestoringAndBackToRunning() {
        Server restoring = new Server(WEB, ServerStatus.STOPPED).beginRestore();
        assertThat(restoring.isRestoring()).isTrue();
        assertThat(restoring.finishRestore().status()).isEqualTo(ServerStatus.RUNNING);
    }

    @Test
    void aRestoringServerRefusesASecondRestoreAndOnlyARestoringOneFinishes() {
        Server restoring = new Server(WEB, ServerStatus.RESTORING);
        assertThatThrownBy(restoring::beginRestore).isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.SERVER_NOT_RESTORABLE));
        assertThatThrownBy(() -> new Server(WEB, ServerStatus.RUNNING).finishRestore())
                .isInstanceOf(RecoveryDenied.class)
                .satisfies(e -> assertThat(((RecoveryDenied) e).reason()).isEqualTo(ReasonCode.INVALID_TRANSITION));
    }

    @Test
    void anUnknownStatusLeavesTheJudgementToTheProvider() {
        assertThat(new Server(WEB, new ServerStatus(ServerStatus.Kind.UNKNOWN, "maintenance")).restorability().isAllowed()).isTrue();
    }
}
