package org.vpsrecovery.bootstrap.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.AUDITOR_TOKEN;
import static org.vpsrecovery.bootstrap.e2e.RunningPlatform.DEMO_TOKEN;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;
import org.vpsrecovery.bootstrap.e2e.RunningPlatform.Answer;
import org.vpsrecovery.bootstrap.e2e.VpsrCommands.Run;
import org.vpsrecovery.cli.ExitCodes;
import org.vpsrecovery.domain.audit.Actor;
import org.vpsrecovery.domain.audit.AuditEvent;
import org.vpsrecovery.domain.audit.AuditQuery;
import org.vpsrecovery.domain.audit.Operation;
import org.vpsrecovery.domain.audit.Outcome;
import org.vpsrecovery.domain.audit.RecordedAuditEvent;
import org.vpsrecovery.simulator.SimulatorOptions;
import org.vpsrecovery.simulator.VpsOrgSimulator;

/**
 * People sign in with their identity provider's JWTs, service accounts with rotating static tokens,
 * and every audit event names who acted (issue 15 items 1 and 4, ADR 0034): over HTTP, against
 * PostgreSQL, the simulator and a JWKS served on loopback.
 */
class IdentityEndToEndTest {

    static final String CI_NEW = "ci-token-2027-rotated-in";
    static final String CI_OLD = "ci-token-2026-rotated-out";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PlatformWithIdentityProvider SETUP = new PlatformWithIdentityProvider(
            SimulatorOptions.defaults(),
            Map.ofEntries(
                    Map.entry("vpsr.teams.demo.tokens.ci-2027.sha256", HashedTeamTokens.sha256Hex(CI_NEW)),
                    Map.entry("vpsr.teams.demo.tokens.ci-2027.not-after", Instant.now().plus(Duration.ofDays(365)).toString()),
                    Map.entry("vpsr.teams.demo.tokens.ci-2026.sha256", HashedTeamTokens.sha256Hex(CI_OLD)),
                    Map.entry("vpsr.teams.demo.tokens.ci-2026.not-after", Instant.now().minus(Duration.ofDays(1)).toString()),
                    Map.entry("vpsr.tracking.every", "1h"),
                    Map.entry("vpsr.reconcile.every", "1h")));

    @Test
    void aPersonsTokenCreatesASnapshotAndTheAuditNamesThePerson() {
        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", SETUP.idp().member("alice@example.com", "demo"),
                "{\"server_id\": 12345, \"name\": \"by-alice\"}", Map.of("X-Request-Id", "jwt-alice-create"));

        assertThat(created.status()).isEqualTo(201);
        assertThat(createsAsked()).anyMatch(body -> body.contains("by-alice"));
        List<RecordedAuditEvent> events = SETUP.platform().auditOf("jwt-alice-create");
        assertThat(events).isNotEmpty().allSatisfy(e -> assertThat(Actor.of(e.event()))
                .contains(Actor.of("alice@example.com", Actor.Authentication.JWT, "rsa-current")));
        assertThat(events).extracting(e -> e.event().detail()).allSatisfy(detail ->
                assertThat(detail.values()).noneMatch(v -> v.contains("eyJ"))); // never the token itself
        assertThat(events).extracting(e -> e.event().outcome().kind()).contains(Outcome.Kind.ACCEPTED);
    }

    @Test
    void anEs256TokenIsAcceptedToo() {
        String token = SETUP.idp().es256(SETUP.idp().claims("bob", "demo", c -> { }));

        Answer listed = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", token, null);

        assertThat(listed.status()).isEqualTo(200);
    }

    /**
     * A person of two teams who chose none: the token holds up, the caller's choice is missing, so the answer is 400
     * problem+json TEAM_NOT_CHOSEN naming the header, not a 401 as for a bad token (ADR 0034, amended in session 50).
     */
    @Test
    void aPersonOfTwoTeamsChoosingNoneIs400TeamNotChosen() {
        String grace = TestIdentityProvider.rs256(SETUP.idp().rsa, SETUP.idp().claims("grace", "demo",
                c -> c.claim("vpsr_teams", List.of("demo", "other-team"))));

        Answer unchosen = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", grace, null,
                Map.of("X-Request-Id", "jwt-two-teams-none-chosen"));
        Answer chosen = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", grace, null,
                Map.of("X-Vpsr-Team", "demo"));

        assertThat(unchosen.status()).as(unchosen.raw().body()).isEqualTo(400);
        assertThat(unchosen.contentType()).startsWith("application/problem+json");
        assertThat(unchosen.get("reason_code")).isEqualTo("TEAM_NOT_CHOSEN");
        assertThat((String) unchosen.get("detail")).contains("X-Vpsr-Team");
        assertThat(unchosen.raw().headers().firstValue("WWW-Authenticate")).isEmpty();
        assertThat(unchosen.raw().body()).doesNotContain(grace);
        assertThat(SETUP.platform().auditOf("jwt-two-teams-none-chosen")).isEmpty();
        assertThat(chosen.status()).isEqualTo(200);
    }

    /**
     * A person of two teams uses vpsr: without a team chosen every command is refused (exit 1, the facade's 400
     * TEAM_NOT_CHOSEN and how to choose one); with VPSR_TEAM (or --team) the commands act for that team and see its
     * servers only.
     */
    @Test
    void aPersonOfTwoTeamsChoosesOneForVpsrWithVpsrTeam() throws Exception {
        Answer othersSnapshot = SETUP.platform().send("POST", "/api/v1/snapshots/", RunningPlatform.OTHER_TOKEN,
                "{\"server_id\": 23456, \"name\": \"other-teams\"}", Map.of("X-Request-Id", "other-team-create"));
        assertThat(othersSnapshot.status()).isEqualTo(201);
        String grace = TestIdentityProvider.rs256(SETUP.idp().rsa, SETUP.idp().claims("grace", "demo",
                c -> c.claim("vpsr_teams", List.of("demo", "other-team"))));
        VpsrCommands vpsr = VpsrCommands.against(SETUP.platform());

        Run unchosen = vpsr.run(grace, "snapshots", "list");
        Run demo = vpsr.run(grace, Map.of("VPSR_TEAM", "demo"), "-o", "json", "snapshots", "list");
        Run other = vpsr.run(grace, Map.of("VPSR_TEAM", "demo"), "-o", "json", "snapshots", "list", "--team", "other-team");

        assertThat(unchosen.exitCode()).isEqualTo(ExitCodes.USAGE);
        assertThat(unchosen.err()).contains("TEAM_NOT_CHOSEN (400)").contains("X-Vpsr-Team")
                .contains("choose the team with --team, VPSR_TEAM or team= in the config file");
        assertThat(unchosen.out()).isEmpty();
        assertThat(demo.exitCode()).as(demo.err()).isZero();
        JsonNode demos = JSON.readTree(demo.out()).path("results");
        assertThat(demos.findValuesAsText("id")).contains("801", "798");
        assertThat(demos).allSatisfy(row -> assertThat(row.path("server").path("id").asLong()).isEqualTo(12345));
        assertThat(other.exitCode()).as(other.err()).isZero();
        JsonNode others = JSON.readTree(other.out()).path("results");
        assertThat(others).isNotEmpty()
                .allSatisfy(row -> assertThat(row.path("server").path("id").asLong()).isEqualTo(23456));
        assertThat(unchosen.err() + demo.err() + other.err()).doesNotContain(grace);
    }

    /**
     * The role claim as an identity provider's own roles or groups claim: a list, even of one (ADR 0034,
     * amended in session 36). Holding both roles is refused: neither is the lesser.
     */
    @Test
    void aRoleClaimThatIsAListNamesTheRoleAmongIt() {
        Function<List<String>, Function<String, String>> withRoles = roles -> subject -> TestIdentityProvider.rs256(
                SETUP.idp().rsa, SETUP.idp().claims(subject, "demo", c -> c.claim("vpsr_role", roles)));

        Answer created = SETUP.platform().send("POST", "/api/v1/snapshots/", withRoles.apply(List.of("member")).apply("gina"),
                "{\"server_id\": 12345, \"name\": \"by-gina\"}", Map.of("X-Request-Id", "jwt-roles-list-member"));
        assertThat(created.status()).as(created.raw().body()).isEqualTo(201);
        assertThat(SETUP.platform().auditOf("jwt-roles-list-member")).isNotEmpty().allSatisfy(e ->
                assertThat(Actor.of(e.event())).contains(Actor.of("gina", Actor.Authentication.JWT, "rsa-current")));

        Answer read = SETUP.platform().send("GET", "/api/v1/audit/events/?actor=gina",
                withRoles.apply(List.of("auditor")).apply("hugo"), null, Map.of("X-Request-Id", "jwt-roles-list-auditor"));
        assertThat(read.status()).as(read.raw().body()).isEqualTo(200);
        assertThat(SETUP.platform().auditOf("jwt-roles-list-auditor")).singleElement().satisfies(e -> {
            assertThat(e.event().team().value()).isEqualTo("auditors");
            assertThat(Actor.of(e.event())).contains(Actor.of("hugo", Actor.Authentication.JWT, "rsa-current"));
        });

        // A token that holds up and gives no role here: who the person is is known, what they may do is nothing (403).
        for (List<String> roles : List.of(List.of("unknown"), List.<String>of(), List.of("member", "auditor"))) {
            String requestId = "jwt-roles-list-refused-" + roles.size();
            Answer refused = SETUP.platform().send("POST", "/api/v1/snapshots/", withRoles.apply(roles).apply("ivan"),
                    "{\"server_id\": 12345, \"name\": \"by-ivan\"}", Map.of("X-Request-Id", requestId));
            assertThat(refused.status()).as(roles.toString()).isEqualTo(403);
            assertThat(refused.get("reason_code")).isEqualTo("NOT_ENTITLED");
            assertThat(SETUP.platform().auditOf(requestId)).isEmpty();
        }
        Answer both = SETUP.platform().send("GET", "/api/v1/audit/events/", withRoles.apply(List.of("auditor", "member"))
                .apply("ivan"), null);
        assertThat(both.status()).isEqualTo(403);
        assertThat((String) both.get("detail")).contains("both the member and the auditor role");
    }

    /** The bodies of the snapshot creates VPS.org was asked for. */
    static List<String> createsAsked() {
        return SETUP.simulator().requests().stream().filter(r -> r.method().equals("POST") && r.path().matches(".*/snapshots/?"))
                .map(r -> r.body() == null ? "" : r.body()).toList();
    }

    static Stream<Arguments> refusedTokens() {
        Instant now = Instant.now();
        return Stream.of(
                Arguments.of("wrong issuer", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo", c -> c.issuer("https://evil.example")))),
                Arguments.of("wrong audience", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo", c -> c.audience("another-service")))),
                Arguments.of("wrong signature", (Function<TestIdentityProvider, String>) p -> {
                    String honest = p.member("mallory", "demo");
                    String forged = p.member("mallory", "other-team");
                    // another token's signature on these claims
                    return honest.substring(0, honest.lastIndexOf('.')) + forged.substring(forged.lastIndexOf('.'));
                }),
                Arguments.of("algorithm none", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.unsigned(p.claims("mallory", "demo", c -> { }))),
                Arguments.of("HS256 signed with the RSA public key", (Function<TestIdentityProvider, String>) p ->
                        p.hs256WithPublicKey(p.claims("mallory", "demo", c -> { }))),
                Arguments.of("expired", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo",
                                c -> c.expirationTime(Date.from(now.minus(Duration.ofMinutes(5))))))),
                Arguments.of("not yet valid", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo",
                                c -> c.notBeforeTime(Date.from(now.plus(Duration.ofMinutes(5))))))),
                Arguments.of("no subject", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo", c -> c.subject(null)))),
                Arguments.of("no expiry", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo", c -> c.expirationTime(null)))),
                Arguments.of("no role", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rsa, p.claims("mallory", "demo", c -> c.claim("vpsr_role", null)))),
                Arguments.of("a key rotated out of the JWKS", (Function<TestIdentityProvider, String>) p ->
                        TestIdentityProvider.rs256(p.rotatedOut, p.claims("mallory", "demo", c -> { }))));
    }

    static final Map<String, String> EXPECTED_DETAILS = Map.of(
            "wrong issuer", "the token's issuer is not accepted",
            "wrong audience", "the token's audience is not this service",
            "expired", "the token has expired",
            "not yet valid", "the token is not valid yet",
            "a key rotated out of the JWKS",
            "the token is not signed by a current key of the identity provider with an accepted algorithm");

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusedTokens")
    void aTokenThatDoesNotHoldUpIs401AndNothingIsAudited(String why, Function<TestIdentityProvider, String> mint) {
        String requestId = "jwt-refused-" + why.replaceAll("[^a-zA-Z0-9]+", "-");
        long createsBefore = createsAsked().size();

        Answer refused = SETUP.platform().send("POST", "/api/v1/snapshots/", mint.apply(SETUP.idp()),
                "{\"server_id\": 12345, \"name\": \"refused\"}", Map.of("X-Request-Id", requestId));

        assertThat(refused.status()).as(why).isEqualTo(401);
        assertThat(refused.contentType()).startsWith("application/problem+json");
        assertThat(refused.get("reason_code")).isEqualTo("UNAUTHORIZED");
        // RFC 6750: a token was given and does not hold up.
        assertThat(refused.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"vps-recovery\", error=\"invalid_token\"");
        // Our own short words, never the token's claims echoed back (nimbus's messages quote them).
        assertThat((String) refused.get("detail")).as(why).doesNotContain("evil.example", "another-service", "mallory",
                "vps-recovery-e2e", "rejected", "claim has value");
        if (EXPECTED_DETAILS.containsKey(why)) {
            assertThat(refused.get("detail")).as(why).isEqualTo(EXPECTED_DETAILS.get(why));
        }
        assertThat(SETUP.platform().auditOf(requestId)).as(why).isEmpty();
        assertThat(createsAsked()).hasSize((int) createsBefore);
    }

    /**
     * A token that holds up but gives no caller of this service (no team of it, not the team chosen) is 403 NOT_ENTITLED,
     * not 401 (ADR 0034, amended in session 49); a request with no token is 401 without an error code (RFC 6750).
     */
    @Test
    void aValidTokenGivingNoCallerHereIs403AndNoTokenIs401WithoutAnErrorCode() {
        Map<String, String> tokens = Map.of(
                "no team", TestIdentityProvider.rs256(SETUP.idp().rsa, SETUP.idp().claims("mallory", "demo",
                        c -> c.claim("vpsr_teams", null))),
                "a team not configured", TestIdentityProvider.rs256(SETUP.idp().rsa, SETUP.idp().claims("mallory",
                        "payments", c -> { })),
                "not the team chosen", SETUP.idp().member("mallory", "demo"));
        tokens.forEach((why, token) -> {
            String requestId = "jwt-not-entitled-" + why.replace(' ', '-');
            Answer refused = SETUP.platform().send("POST", "/api/v1/snapshots/", token,
                    "{\"server_id\": 12345, \"name\": \"refused\"}", why.equals("not the team chosen")
                            ? Map.of("X-Request-Id", requestId, "X-Vpsr-Team", "other-team") : Map.of("X-Request-Id", requestId));
            assertThat(refused.status()).as(why).isEqualTo(403);
            assertThat(refused.contentType()).startsWith("application/problem+json");
            assertThat(refused.get("reason_code")).as(why).isEqualTo("NOT_ENTITLED");
            assertThat(SETUP.platform().auditOf(requestId)).as(why).isEmpty();
        });

        Answer none = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", null, null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"vps-recovery\"");
    }

    /**
     * A service token acts for its own team only: X-Vpsr-Team naming another is 400, never served as the token's own
     * team; its own team's name is accepted, and an auditor's setting is ignored (ADR 0034, amended in session 49).
     */
    @Test
    void aServiceTokenNamingAnotherTeamIs400ItsOwnIsAccepted() {
        Answer other = SETUP.platform().send("POST", "/api/v1/snapshots/", DEMO_TOKEN,
                "{\"server_id\": 12345, \"name\": \"named-another\"}",
                Map.of("X-Request-Id", "service-token-another-team", "X-Vpsr-Team", "other-team"));
        Answer own = SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", DEMO_TOKEN, null,
                Map.of("X-Vpsr-Team", "demo"));
        Answer auditor = SETUP.platform().send("GET", "/api/v1/audit/events/", AUDITOR_TOKEN, null,
                Map.of("X-Vpsr-Team", "demo"));

        assertThat(other.status()).isEqualTo(400);
        assertThat(other.contentType()).startsWith("application/problem+json");
        assertThat(other.get("reason_code")).isEqualTo("TEAM_NOT_THE_TOKENS");
        assertThat((String) other.get("detail")).contains("X-Vpsr-Team", "demo");
        assertThat(SETUP.platform().auditOf("service-token-another-team")).isEmpty();
        assertThat(own.status()).isEqualTo(200);
        assertThat(auditor.status()).isEqualTo(200);
    }

    @Test
    void twoServiceTokensWorkSideBySideAndOnePastItsNotAfterIsRefused() {
        assertThat(SETUP.platform().send("GET", "/api/v1/snapshots/?server_id=12345", DEMO_TOKEN, null).status()).isEqualTo(200);
        assertThat(SETUP.platform().send("POST", "/api/v1/snapshots/", CI_NEW, "{\"server_id\": 12345, \"name\": \"by-ci\"}",
                Map.of("X-Request-Id", "ci-2027-create")).status()).isEqualTo(201);

        Answer old = SETUP.platform().send("POST", "/api/v1/snapshots/", CI_OLD, "{\"server_id\": 12345, \"name\": \"by-old\"}",
                Map.of("X-Request-Id", "ci-2026-create"));

        assertThat(old.status()).isEqualTo(401);
        assertThat(old.get("reason_code")).isEqualTo("UNAUTHORIZED");
        assertThat(SETUP.platform().auditOf("ci-2026-create")).isEmpty();
        assertThat(SETUP.platform().auditOf("ci-2027-create")).isNotEmpty().allSatisfy(e -> assertThat(Actor.of(e.event()))
                .contains(Actor.of("demo/ci-2027", Actor.Authentication.SERVICE_TOKEN, "ci-2027")));
    }

    /** {@code /health}'s details go to an auditor however signed in: a JWT with the auditor role as an auditor token. */
    @Test
    void anAuditorSignedInWithAJwtSeesTheHealthDetailsAMemberOnlyTheStatus() {
        String auditor = TestIdentityProvider.rs256(SETUP.idp().rsa, SETUP.idp().claims("erin@example.com", "demo",
                c -> c.claim("vpsr_role", "auditor").claim("vpsr_teams", null)));

        Answer detailed = SETUP.platform().send("GET", "/health", auditor, null);
        Answer member = SETUP.platform().send("GET", "/health", SETUP.idp().member("frank", "demo"), null);
        Answer forged = SETUP.platform().send("GET", "/health", TestIdentityProvider.rs256(SETUP.idp().rotatedOut, SETUP.idp().claims("mallory",
                "demo", c -> c.claim("vpsr_role", "auditor"))), null);

        assertThat(detailed.status()).as(detailed.raw().body()).isEqualTo(200);
        assertThat(detailed.raw().body()).contains("jdbc", "vpsorg").doesNotContain(VpsOrgSimulator.DEMO_TOKEN);
        assertThat(member.status()).isEqualTo(200);
        assertThat(member.get("status")).isEqualTo("UP");
        assertThat(member.raw().body()).doesNotContain("jdbc", "details");
        assertThat(forged.raw().body()).doesNotContain("jdbc", "details");
        assertThat(SETUP.platform().send("GET", "/health", AUDITOR_TOKEN, null).raw().body()).contains("jdbc", "vpsorg");
    }

    @Test
    void auditReadsAreAuditedWithTheReaderAndTheFiltersAndTheActorIsInTheReports() {
        SETUP.platform().send("POST", "/api/v1/snapshots/", SETUP.idp().member("carol", "demo"),
                "{\"server_id\": 12345, \"name\": \"by-carol\"}", Map.of("X-Request-Id", "jwt-carol-create"));

        Answer byCarol = SETUP.platform().send("GET", "/api/v1/audit/events/?actor=carol", AUDITOR_TOKEN, null,
                Map.of("X-Request-Id", "auditor-reads-carol"));

        assertThat(byCarol.status()).isEqualTo(200);
        // A NUL never reaches PostgreSQL (it would answer 500): 400 like any bad filter.
        Answer nul = SETUP.platform().send("GET", "/api/v1/audit/events/?actor=%00", AUDITOR_TOKEN, null);
        assertThat(nul.status()).isEqualTo(400);
        assertThat(nul.get("reason_code")).isEqualTo("INVALID_QUERY_PARAMETER");
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> results = (List<Map<String, Object>>) byCarol.get("results");
        assertThat(results).isNotEmpty().allSatisfy(event -> assertThat(event.get("actor"))
                .isEqualTo(Map.of("subject", "carol", "authentication", "jwt", "key_id", "rsa-current")));
        List<RecordedAuditEvent> reads = SETUP.platform().auditOf("auditor-reads-carol");
        assertThat(reads).singleElement().satisfies(read -> {
            AuditEvent e = read.event();
            assertThat(e.operation()).isEqualTo(Operation.AUDIT_READ);
            assertThat(e.team().value()).isEqualTo("auditors");
            assertThat(e.detail()).containsEntry("read_report", "events").containsEntry("read_filters", "actor=carol");
            assertThat(Actor.of(e)).contains(Actor.of("compliance", Actor.Authentication.AUDITOR_TOKEN, null));
        });

        // A person exporting the team's audit as CSV leaves a trace an auditor reads, the actor in the CSV too.
        Answer csv = SETUP.platform().send("GET", "/api/v1/audit/events/?operation=create_snapshot", SETUP.idp().member("dave", "demo"),
                null, Map.of("Accept", "text/csv", "X-Request-Id", "dave-exports"));
        assertThat(csv.status()).isEqualTo(200);
        assertThat(csv.raw().body().lines().findFirst().orElseThrow()).endsWith("actor_subject,actor_authentication,actor_key_id,written_by_a_later_release");
        assertThat(csv.raw().body()).contains("carol,jwt,rsa-current");
        assertThat(SETUP.platform().auditOf("dave-exports")).singleElement().satisfies(read -> {
            assertThat(read.event().team().value()).isEqualTo("demo");
            assertThat(read.event().detail()).containsEntry("read_report", "export")
                    .containsEntry("read_filters", "operation=create_snapshot").containsEntry(Actor.SUBJECT, "dave");
        });

        Answer verified = SETUP.platform().send("GET", "/api/v1/audit/verify/", AUDITOR_TOKEN, null,
                Map.of("X-Request-Id", "auditor-verifies"));
        assertThat(verified.status()).isEqualTo(200);
        assertThat(verified.get("intact")).isEqualTo(true);
        assertThat(SETUP.platform().audit().query(AuditQuery.latest(500)).stream()
                .filter(e -> e.event().operation() == Operation.AUDIT_READ))
                .extracting(e -> e.event().detail().get("read_report")).contains("events", "export", "verify");
    }
}
