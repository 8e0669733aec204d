package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jwt.JWTClaimsSet;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

/**
 * An auditor signed in by JWT is named after its exact subject, never sharing a name (and with it
 * the idempotency keys, the read shares and the legal holds' placed_by) with another person or with
 * a configured auditor (ADR 0034, amended in session 36). Tokens are checked against a JWKS served on
 * loopback, as an identity provider's.
 */
class JwtAuditorNamesTest {

    private static final String STATIC_AUDITOR_TOKEN = "compliance-auditor-token";

    @RegisterExtension
    static final LoopbackIdentityProvider IDENTITY_PROVIDER = new LoopbackIdentityProvider();

    private static CallerAuthenticationFilter callers;

    @BeforeAll
    static void callers() {
        callers = new CallerAuthenticationFilter(new HashedTeamTokens(Map.of()),
                new HashedAuditorTokens(Map.of("compliance", HashedTeamTokens.sha256Hex(STATIC_AUDITOR_TOKEN))),
                IDENTITY_PROVIDER.people(Set.of(new TeamId("payments"))));
    }

    @Test
    void subjectsThatFoldToOneSlugAreDifferentAuditors() {
        AuditorName dotted = auditorSignedInAs("Carol.Smith");
        AuditorName hyphened = auditorSignedInAs("carol-smith");
        AuditorName upper = auditorSignedInAs("CAROL-SMITH");

        assertThat(List.of(dotted, hyphened, upper)).doesNotHaveDuplicates();
        // Still readable: the person's name first.
        assertThat(hyphened.value()).isEqualTo("carol-smith--jwt");
        assertThat(dotted.value()).startsWith("carol-smith--jwt-");
        assertThat(auditorSignedInAs("Carol.Smith")).as("the same subject, the same name").isEqualTo(dotted);
    }

    @Test
    void noSubjectGivesAConfiguredAuditorsName() {
        AuditorName configured = ((Caller.Auditor) callers.identify(STATIC_AUDITOR_TOKEN, Optional.empty()).caller()
                .orElseThrow()).auditor().name();

        assertThat(configured.value()).isEqualTo("compliance");
        assertThat(List.of(auditorSignedInAs("compliance"), auditorSignedInAs("Compliance"))).doesNotContain(configured)
                .allSatisfy(name -> assertThat(name.isPersons()).isTrue());
        // Nor is an auditor configured under a person's name.
        assertThatThrownBy(() -> new HashedAuditorTokens(Map.of("compliance--jwt", "c".repeat(64))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--jwt");
    }

    private static AuditorName auditorSignedInAs(String subject) {
        Instant now = Instant.now();
        String jwt;
        try {
            jwt = IDENTITY_PROVIDER.signed(new JWTClaimsSet.Builder().subject(subject)
                    .expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).claim("role", "auditor"));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        CallerAuthenticationFilter.Identified identified = callers.identify(jwt, Optional.empty());
        assertThat(identified.caller()).as(identified.refusal()).containsInstanceOf(Caller.Auditor.class);
        return ((Caller.Auditor) identified.caller().orElseThrow()).auditor().name();
    }
}
