package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.MutableHttpResponse;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;
import org.vpsrecovery.domain.port.ProviderFailure.NoAnswer;

/**
 * What a team is told of VPS.org's refusals and outages (ADR 0006, amended in session 51): VPS.org's own 409 or 422 and
 * its Retry-After reach the team; an outage is told in fixed words that name none of the platform's settings nor
 * VPS.org's address.
 */
class ProviderProblemsTest {

    private static MutableHttpResponse<ProblemDetails> answer(ProviderFailure failure) {
        return FacadeProblems.of(failure, "req-1", Clock.systemUTC());
    }

    private static ProviderFailure refusal(Kind kind, int status, Optional<Duration> retryAfter) {
        return new ProviderFailure(kind, "VPS.org refused to create a snapshot of server 12345 (HTTP " + status + ")",
                OptionalInt.of(status), retryAfter, null);
    }

    /** VPS.org's 409 reached the team as 400; its 422 likewise. */
    @Test
    void vpsOrgsOwnConflictAndUnprocessableStatusReachTheTeam() {
        assertThat(answer(refusal(Kind.REJECTED, 409, Optional.empty())).getStatus().getCode()).isEqualTo(409);
        assertThat(answer(refusal(Kind.REJECTED, 422, Optional.empty())).getStatus().getCode()).isEqualTo(422);
        assertThat(answer(refusal(Kind.LIMIT_REACHED, 409, Optional.empty())).getStatus().getCode()).isEqualTo(409);
        assertThat(answer(refusal(Kind.REJECTED, 400, Optional.empty())).getStatus().getCode()).isEqualTo(400);
        assertThat(answer(refusal(Kind.REJECTED, 418, Optional.empty())).getStatus().getCode()).as("anything odd")
                .isEqualTo(400);
        assertThat(answer(new ProviderFailure(Kind.REJECTED, "refused")).getStatus().getCode()).as("no status")
                .isEqualTo(400);
        assertThat(answer(refusal(Kind.REJECTED, 409, Optional.empty())).getBody())
                .hasValueSatisfying(body -> assertThat(body.reasonCode()).isEqualTo("PROVIDER_REJECTED"));
    }

    /**
     * VPS.org's 400 with Retry-After: 9 reached the team with none: only a 503 passed it on. A refusal VPS.org sent a
     * Retry-After with is its "not now", whatever its status: 409 PROVIDER_BUSY (merged with session 51's "passing").
     */
    @Test
    void vpsOrgsRetryAfterOnARefusalReachesTheTeamBounded() {
        for (int status : new int[] {400, 409, 422}) {
            var notNow = answer(refusal(Kind.REJECTED, status, Optional.of(Duration.ofSeconds(9))));
            assertThat(notNow.getStatus().getCode()).as("VPS.org's " + status).isEqualTo(409);
            assertThat(notNow.getBody()).hasValueSatisfying(body -> assertThat(body.reasonCode()).isEqualTo("PROVIDER_BUSY"));
            assertThat(notNow.getHeaders().get("Retry-After")).isEqualTo("9");
        }
        assertThat(answer(refusal(Kind.LIMIT_REACHED, 409, Optional.of(Duration.ofSeconds(30)))).getHeaders()
                .get("Retry-After")).isEqualTo("30");
        assertThat(answer(refusal(Kind.REJECTED, 422, Optional.of(Duration.ofDays(30)))).getHeaders()
                .get("Retry-After")).as("bounded as every Retry-After is").isEqualTo("86400");
        assertThat(answer(refusal(Kind.REJECTED, 400, Optional.empty())).getHeaders().get("Retry-After")).isNull();
        assertThat(answer(new ProviderFailure(Kind.RATE_LIMITED, "slow down", OptionalInt.of(429),
                Optional.of(Duration.ofSeconds(7)), null)).getHeaders().get("Retry-After")).isEqualTo("7");
    }

    /** The details named vpsorg.read-timeout, micronaut.server.idle-timeout, vpsorg.max-response-size, VPS.org's IP. */
    @Test
    void anOutageIsToldInFixedWordsNamingNoSettingNorAddress() {
        var timeout = ProviderFailure.withoutAnswer(Kind.TIMEOUT, NoAnswer.TIMED_OUT,
                "VPS.org did not answer within vpsorg.read-timeout while trying to list snapshots", null);
        var unreachable = new ProviderFailure(Kind.UNAVAILABLE, "VPS.org could not be reached to list snapshots "
                + "(Connection refused: api.vps.example/10.1.2.3:443)", OptionalInt.empty(), Optional.empty(),
                new IOException("Connection refused"));
        var outOfTime = new ProviderFailure(Kind.UNAVAILABLE, "VPS.org was not called to list snapshots: 10 ms were "
                + "left of the request's time (two thirds of micronaut.server.idle-timeout), less than one attempt may "
                + "take (vpsorg.connect-timeout + vpsorg.read-timeout = 6000 ms); nothing was sent");
        var failed = new ProviderFailure(Kind.UNAVAILABLE, "VPS.org failed to list snapshots (HTTP 500): boom",
                OptionalInt.of(500), Optional.empty(), null);
        var tooLarge = new ProviderFailure(Kind.MALFORMED_RESPONSE, "VPS.org's answer to list snapshots is unreadable: "
                + "its answer was larger than vpsorg.max-response-size");

        for (ProviderFailure outage : new ProviderFailure[] {timeout, unreachable, outOfTime, failed, tooLarge}) {
            String detail = FacadeProblems.detailOf(outage);
            assertThat(detail).as(outage.getMessage()).doesNotContain("vpsorg.", "micronaut.", "10.1.2.3",
                    "api.vps.example").contains("VPS.org").containsIgnoringCase("request id");
            assertThat(answer(outage).getBody()).hasValueSatisfying(body -> assertThat(body.detail()).isEqualTo(detail));
        }
        assertThat(FacadeProblems.detailOf(timeout)).startsWith("VPS.org did not answer in time");
        assertThat(FacadeProblems.detailOf(unreachable)).startsWith("VPS.org could not be reached");
        assertThat(FacadeProblems.detailOf(failed)).startsWith("VPS.org failed to answer (HTTP 500)");
        assertThat(FacadeProblems.detailOf(tooLarge)).startsWith("VPS.org's answer could not be read");
        assertThat(timeout.getMessage()).as("the WARN line keeps the whole text").contains("vpsorg.read-timeout");
    }
}
