package org.vpsrecovery.adapters.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** vpsr.server-lock.*: a wrong value stops the start naming its key (ADR 0021, amended in session 42). */
class ServerLockSettingsTest {

    @Test
    void lockConnectionsLeaveTheReservedSixOfThePool() {
        assertThat(PostgresAdapterFactory.lockConnections(0, 16)).isEqualTo(10);
        assertThat(PostgresAdapterFactory.lockConnections(10, 16)).isEqualTo(10);
        assertThat(PostgresAdapterFactory.lockConnections(3, 16)).isEqualTo(3);
        // Unset on a pool too small to keep six back (a trial, the adapters' tests): one lock connection, as before
        // session 42's range check, which refused it (a review of that change).
        assertThat(PostgresAdapterFactory.lockConnections(0, 4)).isEqualTo(1);
        assertThat(PostgresAdapterFactory.lockConnections(0, 6)).isEqualTo(1);
        // As many as the pool (or more) left the audit writer and reads without a connection behind a flood of locks.
        assertThatThrownBy(() -> PostgresAdapterFactory.lockConnections(16, 16)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("vpsr.server-lock.max-connections must be 1 to datasources.default.maximum-pool-size (16) less 6")
                .hasMessageContaining("was 16");
        assertThatThrownBy(() -> PostgresAdapterFactory.lockConnections(11, 16))
                .hasMessageContaining("vpsr.server-lock.max-connections");
        assertThatThrownBy(() -> PostgresAdapterFactory.lockConnections(-1, 16))
                .hasMessageContaining("vpsr.server-lock.max-connections");
    }

    @Test
    void theWaitAndTheWaitersAreNamedWhenWrong() {
        assertThat(PostgresAdapterFactory.requireLockWait(Duration.ofSeconds(5))).isEqualTo(Duration.ofSeconds(5));
        assertThatThrownBy(() -> PostgresAdapterFactory.requireLockWait(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vpsr.server-lock.max-wait must be");
        assertThatThrownBy(() -> PostgresAdapterFactory.requireLockWait(Duration.ofSeconds(-1)))
                .hasMessageContaining("vpsr.server-lock.max-wait must be");
        assertThat(PostgresAdapterFactory.requireWaiters(16)).isEqualTo(16);
        assertThatThrownBy(() -> PostgresAdapterFactory.requireWaiters(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vpsr.server-lock.max-waiters-per-server");
    }
}
