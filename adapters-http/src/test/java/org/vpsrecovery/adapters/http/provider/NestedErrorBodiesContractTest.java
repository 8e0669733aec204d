package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.server.ServerId;
import org.vpsrecovery.domain.snapshot.SnapshotDraft;
import org.vpsrecovery.domain.snapshot.SnapshotId;
import org.vpsrecovery.domain.snapshot.SnapshotName;

/**
 * Session 54: an error body nesting its words ({@code {"error": {"message": ..}}}, {@code {"errors": [..]}}, a
 * {@code detail} object) lost them: a limit reached was PROVIDER_REJECTED with no words, a nested "try again later" was
 * refused for good. Now they are read as the flat forms are, a bounded depth, over real HTTP.
 */
class NestedErrorBodiesContractTest {

    private static ProviderFailure createRefused(int status, String body) {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) ->
                LoopbackProvider.json(exchange, status, body));
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            return catchThrowableOfType(ProviderFailure.class, () -> client.createSnapshot(new SnapshotDraft(
                    new ServerId(12345), new SnapshotName("before-update"), java.util.Optional.empty())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProviderFailure deleteRefused(int status, String body) {
        try (LoopbackProvider vpsOrg = LoopbackProvider.answering((exchange, base) ->
                LoopbackProvider.json(exchange, status, body));
             VpsOrgClient client = VpsOrgClient.connect(SimulatedVpsOrg.testSettings(vpsOrg.base(), "demo-token"))) {
            return catchThrowableOfType(ProviderFailure.class, () -> client.deleteSnapshot(new SnapshotId(798)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"error\": {\"message\": \"Snapshot limit reached\", \"code\": \"E400\"}}",
            "{\"errors\": [{\"message\": \"Snapshot limit reached\"}]}",
            "{\"detail\": {\"message\": \"Snapshot limit reached\"}}",
            "{\"detail\": [{\"loc\": [\"body\", \"server_id\"], \"msg\": \"Snapshot limit reached\"}]}",
            "{\"error\": {\"code\": \"snapshot_limit_reached\"}, \"request_id\": 77}"})
    void aNestedLimitIsALimitInItsOwnWords(String body) {
        ProviderFailure failure = createRefused(400, body);

        assertThat(failure.kind()).isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failure.getMessage()).startsWith("VPS.org refused to create a snapshot of server 12345 (HTTP 400): ")
                .containsIgnoringCase("snapshot").containsIgnoringCase("limit");
        assertThat(failure.refusedForGood()).isTrue();
    }

    @Test
    void theNestedWordsAreWhatIsSaid() {
        assertThat(createRefused(400, "{\"error\": {\"message\": \"Snapshot limit reached\", \"code\": \"E400\"}}")
                .getMessage()).isEqualTo("VPS.org refused to create a snapshot of server 12345 (HTTP 400): Snapshot "
                + "limit reached (E400)");
        assertThat(createRefused(422, "{\"errors\": [{\"message\": \"Name taken\", \"field\": \"name\"}, {\"message\": "
                + "\"Bad\\nline\\u0007\"}]}").getMessage())
                .isEqualTo("VPS.org refused to create a snapshot of server 12345 (HTTP 422): Name taken Bad line");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"error\": {\"message\": \"Server is busy, try again later\"}}",
            "{\"errors\": [{\"message\": \"Another operation is in progress\"}]}",
            "{\"error\": {\"code\": \"server_busy\"}}",
            "{\"message\": \"Snapshot is being created\"}"})
    void aNestedTryLaterIsNotNowNeverForGood(String body) {
        for (int status : new int[] {400, 409}) {
            ProviderFailure failure = deleteRefused(status, body);

            assertThat(failure.inAPassingState()).as("HTTP %d %s", status, body).isTrue();
            assertThat(failure.refusedForGood()).isFalse();
        }
    }

    /** Deep, odd or huge nesting is never a crash, and what is not an error's word is ignored. */
    @Test
    void oddNestingIsNeverACrash() {
        String deep = "{\"error\": " + "[".repeat(5_000) + "\"limit\"" + "]".repeat(5_000) + "}";
        assertThat(createRefused(400, deep).kind()).isEqualTo(Kind.REJECTED);
        String deeper = "{\"error\": {\"error\": {\"error\": {\"error\": {\"error\": {\"message\": \"limit\"}}}}}}";
        assertThat(createRefused(400, deeper).kind()).as("past the depth read").isEqualTo(Kind.REJECTED);
        ProviderFailure unknownKeys = createRefused(400, "{\"error\": {\"trace\": \"quota limit\", \"status\": 400, "
                + "\"message\": null, \"code\": {\"x\": 1}}}");
        assertThat(unknownKeys.kind()).isEqualTo(Kind.REJECTED);
        assertThat(unknownKeys.getMessage()).isEqualTo("VPS.org refused to create a snapshot of server 12345 (HTTP 400)");
        ProviderFailure many = createRefused(400, "{\"errors\": [" + "{\"message\": \"x\"},".repeat(10_000)
                + "{\"message\": \"end\"}]}");
        assertThat(many.getMessage()).hasSizeLessThan(500);
    }
}
