package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.vpsrecovery.domain.backup.BackupId;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.snapshot.SnapshotId;

/**
 * Session 53 (review "apishape"): a delete's 2xx was taken as done whatever its body said (an HTML error page, a
 * {@code "status": "error"}): the caller was told 204 and a rotation went on to create without room. A 2xx body must be
 * JSON that does not say no; otherwise whether VPS.org deleted is unknown. Real HTTP on loopback.
 */
class DeleteAnswerSayingNoContractTest {

    private static void deleteAnswered(int status, String contentType, String body, boolean backup) {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
            exchange.close();
        }); VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            if (backup) {
                client.deleteBackup(new BackupId(501));
            } else {
                client.deleteSnapshot(new SnapshotId(801));
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "200|text/html|<html><body>Internal error</body></html>",
            "200|application/json|{\"status\": \"error\", \"detail\": \"cannot delete\"}",
            "200|application/json|{\"success\": false}",
            "202|application/json|{\"error\": \"snapshot locked\"}"})
    void aTwoHundredThatIsNoYesLeavesTheDeleteUnknown(int status, String contentType, String body) {
        for (boolean backup : new boolean[] {false, true}) {
            assertThatThrownBy(() -> deleteAnswered(status, contentType, body, backup))
                    .isInstanceOfSatisfying(ProviderFailure.class,
                            failure -> assertThat(failure.kind()).isEqualTo(ProviderFailure.Kind.OUTCOME_UNKNOWN));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {"204|application/json|", "200|application/json|{}",
            "202|application/json|{\"status\": \"queued\"}", "200|application/json|{\"status\": \"deleted\"}"})
    void aTwoHundredWithNoneOrAYesIsDone(int status, String contentType, String body) {
        assertThatCode(() -> deleteAnswered(status, contentType, body == null ? "" : body, false))
                .doesNotThrowAnyException();
    }
}
