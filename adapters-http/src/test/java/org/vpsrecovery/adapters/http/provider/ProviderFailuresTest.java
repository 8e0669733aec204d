package org.vpsrecovery.adapters.http.provider;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.json.JsonMapper;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.ProviderFailures.Call;
import org.vpsrecovery.adapters.http.provider.ProviderFailures.Reply;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;

/** Error bodies the simulator does not produce: field errors, HTTP-date Retry-After, odd statuses. */
class ProviderFailuresTest {

    private static final Instant NOW = Instant.parse("2025-01-16T16:00:00Z");
    private final ProviderFailures failures = new ProviderFailures(new ApiToken("s3cr3t-token"),
            JsonMapper.createDefault(), Clock.fixed(NOW, ZoneOffset.UTC));
    private final Call create = new Call("create a snapshot of server 12345", true);
    private final Call read = new Call("list snapshots", false);

    @Test
    void fieldErrorsBecomeOneReadableMessage() {
        ProviderFailure failure = failures.fromStatus(create, reply(400,
                "{\"name\": [\"Snapshot name may contain only letters.\", \"Too long.\"], \"non_field_errors\": [\"Bad.\"]}"));

        assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
        assertThat(failure.getMessage()).endsWith(": name: Snapshot name may contain only letters. Too long.; Bad.");
    }

    @Test
    void aLimitIsToldApartByTheProvidersWords() {
        assertThat(failures.fromStatus(create, reply(400, "{\"detail\": \"Maximum number of snapshots reached\"}")).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failures.fromStatus(create, reply(400, "{\"detail\": \"Server is not in a valid state\"}")).kind())
                .isEqualTo(Kind.REJECTED);
        assertThat(failures.fromStatus(create, reply(400, "{\"non_field_errors\": [\"Backup quota exhausted.\"]}")).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failures.fromStatus(create, reply(400, "<html>limit</html>")).kind()).isEqualTo(Kind.REJECTED);
        assertThat(failures.fromStatus(create, reply(400, "{\"name\": [\"Ensure this field has at most 100 characters.\"]}")).kind())
                .isEqualTo(Kind.REJECTED);
    }

    /**
     * A huge refusal is read once and said short: its words count wherever they are, its detail is cut; a huge body that
     * is not JSON says nothing (session 51).
     */
    @Test
    void aHugeRefusalIsReadWholeAndSaidShort() {
        ProviderFailure huge = failures.fromStatus(create, reply(400,
                "{\"detail\": \"" + "x".repeat(1_000_000) + " Maximum number of snapshots reached\"}"));
        assertThat(huge.kind()).isEqualTo(Kind.LIMIT_REACHED);
        assertThat(huge.getMessage()).startsWith("VPS.org refused to create a snapshot of server 12345 (HTTP 400): xxx")
                .hasSizeLessThan(500);

        ProviderFailure notJson = failures.fromStatus(create, reply(409, "<html>" + "busy limit ".repeat(100_000)));
        assertThat(notJson.kind()).isEqualTo(Kind.REJECTED);
        assertThat(notJson.getMessage()).isEqualTo("VPS.org refused to create a snapshot of server 12345 (HTTP 409)");
    }

    /**
     * Session 50: DRF may put the limit under the field it is about. A refusal at the limit is LIMIT_REACHED in any
     * field's messages; a field's own value check (length, digits) stays a refusal of the value.
     */
    @Test
    void aLimitIsRecognisedInAFieldsMessagesButNotAValueCheck() {
        assertThat(failures.fromStatus(create, reply(400,
                "{\"server_id\": [\"This server already has the maximum of 5 snapshots.\"]}")).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failures.fromStatus(create, reply(400, "{\"server_id\": \"Snapshot limit reached.\"}")).kind())
                .isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failures.fromStatus(create, reply(400,
                "{\"name\": [\"Ensure this field has no more than 100 characters.\"], \"server_id\": [\"Too many manual backups.\"]}"))
                .kind()).isEqualTo(Kind.LIMIT_REACHED);
        assertThat(failures.fromStatus(create, reply(400,
                "{\"description\": [\"Ensure this value has at most 255 characters (it has 300).\"]}")).kind())
                .isEqualTo(Kind.REJECTED);
        assertThat(failures.fromStatus(create, reply(400, "{\"server_id\": [\"A valid integer is required.\"]}")).kind())
                .isEqualTo(Kind.REJECTED);
    }

    @Test
    void theTokenAndControlCharactersNeverReachAMessage() {
        ProviderFailure failure = failures.fromStatus(read, reply(400,
                "{\"detail\": \"token s3cr3t-token is odd\\n\\u0007second line\"}"));

        assertThat(failure.getMessage()).doesNotContain("s3cr3t").doesNotContain("\n").contains("token *** is odd");
    }

    @Test
    void forbiddenIsAnOperatorProblemToo() {
        ProviderFailure failure = failures.fromStatus(read, reply(403, "{\"detail\": \"You do not have permission.\"}"));

        assertThat(failure.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(failure.providerStatus()).isEqualTo(OptionalInt.of(403));
    }

    @Test
    void retryAfterMayBeAnHttpDate() {
        ProviderFailure failure = failures.fromStatus(read,
                new Reply(429, new byte[0], Optional.of("Thu, 16 Jan 2025 16:00:30 GMT")));

        assertThat(failure.kind()).isEqualTo(Kind.RATE_LIMITED);
        assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(30));
        assertThat(failures.retryAfter("yesterday")).isEmpty();
        assertThat(failures.retryAfter("Wed, 15 Jan 2025 16:00:00 GMT")).hasValue(Duration.ZERO);
    }

    @Test
    void aTryLaterAnswerToAChangeIsNothingDoneNotARefusalForGood() {
        for (int status : new int[] {408, 425}) {
            ProviderFailure failure = failures.fromStatus(create, new Reply(status, new byte[0], Optional.of("7")));

            assertThat(failure.kind()).isEqualTo(Kind.UNAVAILABLE);
            assertThat(failure.refusedForGood()).isFalse();
            assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(7));
            assertThat(failures.fromStatus(create, reply(status, "")).refusedForGood()).isFalse();
        }
        assertThat(failures.fromStatus(create, reply(418, "")).refusedForGood()).isTrue();
    }

    @Test
    void aRefusalThatSaysTryLaterIsNotOneForGood() {
        for (int status : new int[] {400, 409, 422, 423}) {
            ProviderFailure failure = failures.fromStatus(create, new Reply(status, new byte[0], Optional.of("30")));

            assertThat(failure.retryAfter()).hasValue(Duration.ofSeconds(30));
            assertThat(failure.refusedForGood()).isFalse();
            assertThat(failures.fromStatus(create, reply(status, "")).refusedForGood()).isTrue();
        }
    }

    /**
     * A refusal whose words speak of a state that passes by itself (VPS.org's own: a server restoring, a point in
     * progress, a state not present; a busy or locked one, "try again later"), whatever its code and with no
     * Retry-After, is "not now", never one for good; one whose words speak of none stays for good (ADR 0010, amended in
     * session 50). Before, every 400/409/422 without Retry-After was for good.
     */
    @Test
    void aRefusalSpeakingOfAPassingStateIsNotOneForGood() {
        Call delete = new Call("delete snapshot 798", false);
        for (int status : new int[] {400, 409, 422, 423, 418}) {
            for (String words : List.of("{\"detail\": \"Server is being restored from snapshot.\"}",
                    "{\"detail\": \"Server 12345 is restoring\"}",
                    "{\"detail\": \"Snapshot is in_progress\"}",
                    "{\"non_field_errors\": [\"Another operation is in progress on this server.\"]}",
                    "{\"detail\": \"The server cannot be restored in its present state\"}",
                    "{\"detail\": \"Server is busy, please try again later.\"}")) {
                ProviderFailure failure = failures.fromStatus(delete, reply(status, words));

                assertThat(failure.refusedForGood()).as("HTTP %d %s", status, words).isFalse();
                assertThat(failure.inAPassingState()).isTrue();
                assertThat(failure.kind()).isIn(Kind.REJECTED, Kind.LIMIT_REACHED);
                assertThat(failure.providerStatus()).hasValue(status);
            }
            for (String words : List.of("{\"detail\": \"Snapshot is protected and cannot be deleted.\"}",
                    "{\"detail\": \"Invalid request\"}", "", "<html>busy</html>",
                    "{\"name\": [\"This name is in progress\"]}",
                    // Locked for as long as VPS.org likes: a restore's rotation ends 409, never retried for ever.
                    "{\"detail\": \"Snapshot is locked\"}",
                    "{\"detail\": \"Invalid name, please try again with another\"}")) {
                assertThat(failures.fromStatus(delete, reply(status, words)).refusedForGood())
                        .as("HTTP %d %s", status, words).isTrue();
            }
        }
    }

    @Test
    void serverErrorsOnReadsAreUnavailableButOnCreatesOutcomeUnknownEvery5xx() {
        assertThat(failures.fromStatus(read, reply(504, "")).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(failures.fromStatus(read, reply(503, "")).kind()).isEqualTo(Kind.UNAVAILABLE);
        // Any 5xx may come after the provider acted; VPS.org documents none (nor a Retry-After) that says it did not.
        for (int status : new int[] {500, 502, 503, 504, 507, 599}) {
            assertThat(failures.fromStatus(create, reply(status, "")).kind()).as("HTTP " + status).isEqualTo(Kind.OUTCOME_UNKNOWN);
        }
        assertThat(failures.fromStatus(create, new Reply(503, new byte[0], Optional.of("30"))).kind())
                .isEqualTo(Kind.OUTCOME_UNKNOWN);
    }

    @Test
    void unexpectedStatusesAreNamed() {
        assertThat(failures.fromStatus(read, reply(302, "")).kind()).isEqualTo(Kind.MALFORMED_RESPONSE);
        assertThat(failures.fromStatus(read, reply(405, "{\"detail\": \"Method not allowed.\"}")).kind())
                .isEqualTo(Kind.REJECTED);
    }

    /** Why no answer came is read from the failure's type and the client's state, never from a message. */
    @Test
    void whyNoAnswerCameIsToldByTypeNotByMessage() {
        var closed = new io.micronaut.http.client.exceptions.HttpClientException("Error occurred reading HTTP response",
                new java.nio.channels.ClosedChannelException());
        var premature = new io.netty.handler.codec.PrematureChannelClosureException("channel gone inactive");
        var dropped = new io.micronaut.http.client.exceptions.ResponseClosedException(
                "Connection closed before response was received");
        var timedOut = io.micronaut.http.client.exceptions.ReadTimeoutException.TIMEOUT_EXCEPTION;
        // Only the words of a drop: nothing is read from them.
        var wordsOnly = new io.micronaut.http.client.exceptions.HttpClientException("Connection closed before response");

        assertThat(failures.fromTransport(create, closed, false).noAnswer()).hasValue(ProviderFailure.NoAnswer.CONNECTION_DROPPED);
        assertThat(failures.fromTransport(create, premature, false).noAnswer()).hasValue(ProviderFailure.NoAnswer.CONNECTION_DROPPED);
        assertThat(failures.fromTransport(read, dropped, false).noAnswer()).hasValue(ProviderFailure.NoAnswer.CONNECTION_DROPPED);
        assertThat(failures.fromTransport(create, timedOut, false).noAnswer()).hasValue(ProviderFailure.NoAnswer.TIMED_OUT);
        assertThat(failures.fromTransport(read, timedOut, false).kind()).isEqualTo(Kind.TIMEOUT);
        assertThat(failures.fromTransport(create, dropped, true).noAnswer()).hasValue(ProviderFailure.NoAnswer.CLIENT_CLOSED);
        ProviderFailure unknown = failures.fromTransport(create, wordsOnly, false);
        assertThat(unknown.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
        assertThat(unknown.noAnswer()).isEmpty();
        // A delete whose retries ran out keeps its last try's reason.
        assertThat(failures.deleteOutcomeUnknown(new Call("delete snapshot 798", false),
                failures.fromTransport(read, dropped, false)).noAnswer()).hasValue(ProviderFailure.NoAnswer.CONNECTION_DROPPED);
    }

    /**
     * A call the platform's client was closed for is refused unsent, by its type, for a change as for a read, and the
     * failure says so itself ({@code neverSent}, session 52), as the delete's rule reads it. Micronaut's own refusal (a plain HttpClientException, its
     * message the only sign) is not read: only a call cut by the closing client comes to fromTransport that way.
     */
    @Test
    void aCallTheClosedClientRefusedIsCertainlyNotSent() {
        ProviderFailure change = failures.fromTransport(create, new ProviderFailures.ClientClosed(), true);
        ProviderFailure list = failures.fromTransport(read, new ProviderFailures.ClientClosed(), true);

        assertThat(change.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(change.noAnswer()).isEmpty();
        assertThat(change.getMessage()).isEqualTo("VPS.org was not called to create a snapshot of server 12345: the "
                + "platform's VPS.org client is closed (this instance is stopping); nothing was sent");
        assertThat(change.neverSent()).isTrue();
        assertThat(list.kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThat(list.neverSent()).isTrue();

        var micronautsRefusal = new io.micronaut.http.client.exceptions.HttpClientException(
                "The client is closed, unable to send request.");
        ProviderFailure cut = failures.fromTransport(create, micronautsRefusal, true);
        assertThat(cut.kind()).isEqualTo(Kind.OUTCOME_UNKNOWN);
        assertThat(cut.noAnswer()).hasValue(ProviderFailure.NoAnswer.CLIENT_CLOSED);
        assertThat(cut.neverSent()).isFalse();
    }

    private static Reply reply(int status, String body) {
        return new Reply(status, body.getBytes(StandardCharsets.UTF_8), Optional.empty());
    }
}
