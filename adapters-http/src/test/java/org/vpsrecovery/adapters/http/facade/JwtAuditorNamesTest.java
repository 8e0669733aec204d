package org.vpsrecovery.adapters.http.facade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

/**
 * An auditor signed in by JWT is named after its exact subject, never sharing a name (and with it
 * the idempotency keys, the read shares and the legal holds' placed_by) with another person or with
 * a configured auditor (ADR 0034, amended in session 36). Tokens are checked against a JWKS served on
 * loopback, as an identity provider's.
 */
class JwtAuditorNamesTest {

    private static final String ISSUER = "https://id.example";
    private static final String AUDIENCE = "vps-recovery";
    private static final String STATIC_AUDITOR_TOKEN = "compliance-auditor-token";

    private static RSAKey key;
    private static HttpServer jwks;
    private static CallerAuthenticationFilter callers;

    @BeforeAll
    static void identityProvider() throws JOSEException, IOException {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks", exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
        JwtBearerTokens people = JwtBearerTokens.of(new JwtSettings(ISSUER, AUDIENCE,
                URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"), Set.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(30), "teams", "role", "member", "auditor"), Set.of(new TeamId("payments")));
        callers = new CallerAuthenticationFilter(new HashedTeamTokens(Map.of()),
                new HashedAuditorTokens(Map.of("compliance", HashedTeamTokens.sha256Hex(STATIC_AUDITOR_TOKEN))), people);
    }

    @AfterAll
    static void stop() {
        jwks.stop(0);
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
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(5)))).claim("role", "auditor").build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        CallerAuthenticationFilter.Identified identified = callers.identify(jwt.serialize(), Optional.empty());
        assertThat(identified.caller()).as(identified.refusal()).containsInstanceOf(Caller.Auditor.class);
        return ((Caller.Auditor) identified.caller().orElseThrow()).auditor().name();
    }
}
