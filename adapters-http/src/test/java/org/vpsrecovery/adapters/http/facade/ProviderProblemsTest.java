package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.MutableHttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.provider.AdapterFailures;
import org.vpsrecovery.domain.port.ProviderFailure;
import org.vpsrecovery.domain.port.ProviderFailure.Kind;

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

    /**
     * The details named vpsorg.read-timeout, micronaut.server.idle-timeout, vpsorg.max-response-size, VPS.org's IP. The
     * failures are the outbound adapter's own, its words for the caller included (ADR 0006, amended in session 52).
     */
    @Test
    void anOutageIsToldInFixedWordsNamingNoSettingNorAddress() {
        var timeout = AdapterFailures.timedOut();
        var unreachable = AdapterFailures.unreachable();
        var outOfTime = AdapterFailures.outOfRequestTime();
        var failed = AdapterFailures.answered500();
        var tooLarge = AdapterFailures.tooLarge();
        var circuitOpen = AdapterFailures.circuitOpen();
        var openAfterASentTry = AdapterFailures.afterAnEarlierTryWasSent(AdapterFailures.circuitOpen());

        for (ProviderFailure outage : new ProviderFailure[] {timeout, unreachable, outOfTime, failed, tooLarge,
                circuitOpen, openAfterASentTry}) {
            String detail = FacadeProblems.detailOf(outage);
            assertThat(detail).as(outage.getMessage()).doesNotContain("vpsorg.", "micronaut.", "10.1.2.3",
                    "api.vps.example").contains("VPS.org").containsIgnoringCase("request id");
            assertThat(answer(outage).getBody()).hasValueSatisfying(body -> assertThat(body.detail()).isEqualTo(detail));
        }
        assertThat(FacadeProblems.detailOf(timeout)).startsWith("VPS.org did not answer in time");
        assertThat(FacadeProblems.detailOf(unreachable)).startsWith("VPS.org could not be reached");
        assertThat(FacadeProblems.detailOf(failed)).startsWith("VPS.org failed to answer (HTTP 500)");
        assertThat(FacadeProblems.detailOf(tooLarge)).startsWith("VPS.org's answer could not be read");
        assertThat(FacadeProblems.detailOf(outOfTime)).startsWith("VPS.org was not called").contains("nothing was sent");
        assertThat(FacadeProblems.detailOf(circuitOpen)).contains("nothing was sent");
        assertThat(FacadeProblems.detailOf(openAfterASentTry)).doesNotContain("nothing was sent", "was not called");
        assertThat(timeout.getMessage()).as("the WARN line keeps the whole text").contains("vpsorg.read-timeout");
        assertThat(unreachable.getMessage()).as("the WARN line keeps the address").contains("10.1.2.3");
    }

    /**
     * A 429 holding the client's calls back, told as the adapter words it: no setting, and, for a call whose earlier try
     * was sent, neither "nothing was sent" nor "VPS.org was not called", which its operator's message says of the last
     * try alone (ADR 0006, amended in session 52).
     */
    @Test
    void aHeldBackCallIsToldWithoutSettingsAndAfterASentTryWithoutNothingSent() {
        var heldBack = AdapterFailures.heldBack();
        var heldBackAfterASentTry = AdapterFailures.afterAnEarlierTryWasSent(AdapterFailures.heldBack());

        assertThat(FacadeProblems.detailOf(heldBack)).doesNotContain("vpsorg.").contains("nothing was sent");
        assertThat(heldBackAfterASentTry.getMessage()).as("the operator's text, of the last try").contains("not called");
        assertThat(FacadeProblems.detailOf(heldBackAfterASentTry)).doesNotContain("vpsorg.", "nothing was sent",
                "was not called").contains("slow down").contains("Retry-After");
        assertThat(answer(heldBackAfterASentTry).getHeaders().get("Retry-After")).isNotNull();
    }

    /**
     * The caller's words for each call not sent, and for a read whose connection was dropped, word for word: the
     * inbound adapter words them from the failure's facts (ADR 0006, amended in session 53). Before, only the hold's
     * were pinned here; the open circuit's and no connection's were not.
     */
    @Test
    void eachCallNotSentIsToldInItsOwnWords() {
        String tryAgain = "Try again shortly; if it goes on, tell the platform's operators, quoting the request id";
        assertThat(FacadeProblems.detailOf(AdapterFailures.circuitOpen())).matches("VPS\\.org failed repeatedly, so calls "
                + "to it are refused for \\d+ s more; nothing was sent\\. " + java.util.regex.Pattern.quote(tryAgain));
        assertThat(FacadeProblems.detailOf(AdapterFailures.unreachable()))
                .isEqualTo("VPS.org could not be reached now; nothing was sent. " + tryAgain);
        assertThat(FacadeProblems.detailOf(AdapterFailures.heldBack())).matches("VPS\\.org asked the platform to slow "
                + "down, so calls to it are held back for \\d+ s more; nothing was sent\\. Try again after the Retry-After");
        assertThat(FacadeProblems.detailOf(org.vpsrecovery.domain.port.ProviderFailure.neverSent(
                org.vpsrecovery.domain.port.ProviderFailure.NotSent.NO_FREE_CONNECTION, "all connections busy",
                java.util.Optional.empty(), null)))
                .isEqualTo("VPS.org was not called: every connection to it is busy with slow calls; nothing was sent. "
                        + tryAgain);
        assertThat(FacadeProblems.detailOf(AdapterFailures.outOfRequestTime())).isEqualTo("VPS.org was not called: too "
                + "little of this request's time was left for a call to end within it; nothing was sent. " + tryAgain);
        assertThat(FacadeProblems.detailOf(AdapterFailures.clientClosed())).isEqualTo("this instance's VPS.org client "
                + "is closed (the instance is stopping); nothing was sent. Try again: another instance answers");
        assertThat(FacadeProblems.detailOf(AdapterFailures.dropped())).isEqualTo("the connection to VPS.org was "
                + "dropped before its answer came, at every try; nothing was done. " + tryAgain);
        assertThat(FacadeProblems.detailOf(AdapterFailures.afterAnEarlierTryWasSent(AdapterFailures.circuitOpen())))
                .isEqualTo("VPS.org gave this call no answer to use, and its last try could not be sent now. " + tryAgain);
        assertThat(FacadeProblems.detailOf(AdapterFailures.afterAnEarlierTryWasSent(AdapterFailures.unreachable())))
                .isEqualTo("VPS.org gave this call no answer to use, and its last try could not be sent now. " + tryAgain);
        assertThat(FacadeProblems.detailOf(AdapterFailures.afterAnEarlierTryWasSent(AdapterFailures.heldBack())))
                .matches("VPS\\.org asked the platform to slow down while this call was made, so its last try was held "
                + "back \\(\\d+ s more\\)\\. Try again after the Retry-After");
    }

    /**
     * VPS.org's refusal nesting its words is told in those words, a limit as a limit and a "try later" as not now
     * (ADR 0010, amended in session 54). Before, both were PROVIDER_REJECTED saying only "(HTTP 400)".
     */
    @Test
    void aNestedRefusalIsToldInVpsOrgsWords() {
        var limit = AdapterFailures.createRefused(400, "{\"error\": {\"message\": \"Snapshot limit reached\"}}");
        assertThat(answer(limit).getBody()).hasValueSatisfying(body -> {
            assertThat(body.reasonCode()).isEqualTo("PROVIDER_LIMIT_REACHED");
            assertThat(body.detail()).isEqualTo("VPS.org refused to create a snapshot of server 12345 (HTTP 400): "
                    + "Snapshot limit reached");
        });
        var busy = answer(AdapterFailures.createRefused(400,
                "{\"errors\": [{\"message\": \"Server busy,\\ttry again later\", \"code\": \"busy\"}]}"));
        assertThat(busy.getStatus().getCode()).isEqualTo(409);
        assertThat(busy.getHeaders().get("Retry-After")).isEqualTo("30");
        assertThat(busy.getBody()).hasValueSatisfying(body -> {
            assertThat(body.reasonCode()).isEqualTo("PROVIDER_BUSY");
            assertThat(body.detail()).isEqualTo("VPS.org refused to create a snapshot of server 12345 (HTTP 400): "
                    + "Server busy, try again later (busy)");
        });
    }

    /**
     * A list VPS.org answered inconsistently at every read (a count larger than its pages hold) was told as "VPS.org
     * could not be reached now": it was reached. Now the caller reads what happened; still 503 PROVIDER_UNAVAILABLE with
     * a Retry-After, as a list that changed settles (ADR 0010, amended in session 54).
     */
    @Test
    void aListInconsistentAtEveryReadIsToldSo() {
        var inconsistent = answer(AdapterFailures.listInconsistent(515151));
        assertThat(inconsistent.getStatus().getCode()).isEqualTo(503);
        assertThat(inconsistent.getHeaders().get("Retry-After")).isEqualTo("5");
        assertThat(inconsistent.getBody()).hasValueSatisfying(body -> {
            assertThat(body.reasonCode()).isEqualTo("PROVIDER_UNAVAILABLE");
            assertThat(body.detail()).isEqualTo("VPS.org's list was inconsistent at every read (its pages did not hold "
                    + "what its count said, or kept changing), so it could not be used; nothing was done. Try again "
                    + "shortly; if it goes on, tell the platform's operators, quoting the request id");
        });
    }

    /**
     * A list given up because VPS.org's pages came without their count, or because its pages were not all read within
     * the list's deadline, was told "VPS.org could not be reached now": VPS.org answered. Each is told what happened,
     * naming no setting; still 503 PROVIDER_UNAVAILABLE with Retry-After 5. The operator's words (the WARN line, the
     * audit's cause) say what to do (ADR 0010, amended in session 55).
     */
    @Test
    void aListGivenUpIsToldWhyNeverAsVpsOrgUnreachable() {
        String tryAgain = "; nothing was done. Try again shortly; if it goes on, tell the platform's operators, quoting "
                + "the request id";
        ProviderFailure withoutCount = AdapterFailures.listPagesWithoutCount(616161);
        ProviderFailure outOfTime = AdapterFailures.listOutOfTime();
        assertThat(withoutCount.getMessage()).contains("2 pages without a count on every page")
                .contains("tell VPS.org");
        assertThat(outOfTime.getMessage()).contains("vpsorg.list-deadline=100 ms").contains("raise vpsorg.list-deadline");

        var pages = answer(withoutCount);
        var slow = answer(outOfTime);
        for (var answered : java.util.List.of(pages, slow)) {
            assertThat(answered.getStatus().getCode()).isEqualTo(503);
            assertThat(answered.getHeaders().get("Retry-After")).isEqualTo("5");
        }
        assertThat(pages.getBody()).hasValueSatisfying(body -> {
            assertThat(body.reasonCode()).isEqualTo("PROVIDER_UNAVAILABLE");
            assertThat(body.detail()).isEqualTo("VPS.org's list came in several pages without its count on each, so it "
                    + "could not be confirmed whole and was not used" + tryAgain);
        });
        assertThat(slow.getBody()).hasValueSatisfying(body -> {
            assertThat(body.reasonCode()).isEqualTo("PROVIDER_UNAVAILABLE");
            assertThat(body.detail()).isEqualTo("VPS.org's list could not be read whole within the time the platform "
                    + "gives one list (its pages came too slowly, or too many of them), so it was not used" + tryAgain);
        });
    }
}
