package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Session 53 (review "apishape"): a restore's 2xx whose body says no was taken as a restore VPS.org took (audited
 * SUBMITTED, the server held for its window). Now its outcome is unknown, over real HTTP, for both restores; a yes in
 * other words still starts it.
 */
class RestoreAnswerSayingNoContractTest {

    private static Object restoreAnswered(String body, boolean fromBackup) {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) ->
                LoopbackProvider.json(exchange, 200, body));
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            return fromBackup ? client.restoreServerFromBackup(new ServerId(12345), new BackupId(499))
                    : client.restoreSnapshot(new SnapshotId(801), new ServerId(12345));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"status\": \"rejected\"}", "{\"status\": \"denied\"}", "{\"status\": \"not_started\"}",
            "{\"status\": \"error: busy\"}", "{\"status\": \"Refused\"}",
            "{\"success\": false, \"error\": \"cannot restore\"}", "{\"success\": false}",
            "{\"error\": {\"code\": \"busy\"}}", "{\"status\": \"Not Started\"}", "{\"status\": \"failed\"}",
            "{\"success\": \"false\"}", "{\"error\": true}", "{\"error\": [\"busy\"]}"})
    void aTwoHundredSayingNoIsAnUnknownOutcomeNeverAStartedRestore(String body) {
        for (boolean fromBackup : new boolean[] {false, true}) {
            assertThatThrownBy(() -> restoreAnswered(body, fromBackup)).isInstanceOfSatisfying(ProviderFailure.class,
                    failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.OUTCOME_UNKNOWN));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"status\": \"accepted\"}", "{\"status\": \"queued\"}", "{\"status\": \"pending\"}",
            "{\"success\": true, \"error\": null}", "{\"status\": \"not_yet_started\"}",
            "{\"status\": \"failover_started\"}", "{\"status\": \"no_errors\"}", "{\"status\": \"notified\"}",
            "{\"success\": true, \"error\": \"\"}", "{\"error\": \"\"}", "{\"error\": \"none\"}",
            "{\"error\": {}}", "{\"error\": []}", "{\"success\": \"true\", \"error\": \"x\"}"})
    void aYesInOtherWordsStillStartsIt(String body) {
        assertThat(restoreAnswered(body, true)).isNotNull();
    }
}
