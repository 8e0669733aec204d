package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.RestoreStarted;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.server.ServerStatus;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Session 54: a restore answer's {@code message}, or its server's {@code name} or {@code status}, of a wrong type made a
 * restore VPS.org took an unknown outcome (held, reconciled, the caller told 504). They decide nothing: a wrong type is
 * read as none. The server's id decides whether the answer is about the asked server, and stays strict. Real HTTP.
 */
class RestoreAnswerWrongTypesContractTest {

    private static RestoreStarted restoreAnswered(String body, boolean fromBackup) {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) ->
                LoopbackProvider.json(exchange, 200, body));
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            return fromBackup ? client.restoreServerFromBackup(new ServerId(12345), new BackupId(499))
                    : client.restoreSnapshot(new SnapshotId(801), new ServerId(12345));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"status\": \"success\", \"message\": {\"text\": \"being restored\"}, \"server\": {\"id\": 12345, \"name\": \"web\", \"status\": \"restoring\"}}|web|restoring",
            "{\"status\": \"success\", \"message\": [\"a\", \"b\"], \"server\": {\"id\": 12345, \"name\": {\"first\": \"web\"}, \"status\": \"restoring\"}}||restoring",
            "{\"status\": \"success\", \"message\": 42, \"server\": {\"id\": \"12345\", \"name\": \"web\", \"status\": {\"code\": 3}}}|web|",
            "{\"status\": \"success\", \"server\": 12345}||",
            "{\"status\": \"success\", \"server\": \"12345\"}||"})
    void aWrongTypeOfWhatDecidesNothingIsNone(String body, String name, String status) {
        for (boolean fromBackup : new boolean[] {false, true}) {
            RestoreStarted started = restoreAnswered(body, fromBackup);

            assertThat(started.server().ref().id()).isEqualTo(new ServerId(12345));
            assertThat(started.server().ref().name()).isEqualTo(name == null ? "" : name);
            assertThat(started.server().status()).isEqualTo(status == null ? ServerStatus.UNKNOWN
                    : VpsOrgWireMapper.serverStatus(status));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"status\": \"success\", \"server\": {\"id\": \"web-server-01\"}}",
            "{\"status\": \"success\", \"server\": {\"id\": 12345.5}}",
            "{\"status\": \"success\", \"server\": {\"id\": {\"value\": 12345}}}",
            "{\"status\": \"success\", \"server\": \"web-server-01\"}",
            "{\"status\": \"success\", \"server\": [12345]}",
            "{\"status\": {\"word\": \"error\"}, \"success\": false, \"message\": 1}"})
    void whatDecidesTheOutcomeStaysStrict(String body) {
        assertThatThrownBy(() -> restoreAnswered(body, true)).isInstanceOfSatisfying(ProviderFailure.class,
                failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.OUTCOME_UNKNOWN));
    }
}
