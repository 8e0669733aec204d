package org.vpsrecovery.adapters.http.facade;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
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
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.vpsrecovery.domain.common.TeamId;

/**
 * An identity provider for a test class: one RSA key, its JWKS served on loopback for the class's life, the tokens it
 * signs and the {@link JwtBearerTokens} that check them against that JWKS, as against a real provider's.
 * <pre>{@code
 * @RegisterExtension
 * static final LoopbackIdentityProvider IDENTITY_PROVIDER = new LoopbackIdentityProvider();
 * }</pre>
 */
final class LoopbackIdentityProvider implements BeforeAllCallback, AfterAllCallback {

    static final String ISSUER = "https://id.example";
    static final String AUDIENCE = "vps-recovery";

    private RSAKey key;
    private HttpServer jwks;
    /** Off: the JWKS answers 503, as an identity provider that is down. */
    private final AtomicBoolean serving = new AtomicBoolean(true);
    /** Fetches answered 503 while off. */
    private final AtomicInteger refusals = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) throws JOSEException, IOException {
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        byte[] body = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        jwks = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        jwks.createContext("/jwks", exchange -> {
            if (!serving.get()) {
                refusals.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        jwks.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        jwks.stop(0);
    }

    /** People checked against this provider's JWKS, members of {@code teams} (the teams file's). */
    JwtBearerTokens people(Set<TeamId> teams) {
        return people(teams, JwtSettings.DEFAULT_JWKS_CACHE_TTL, JwtSettings.DEFAULT_JWKS_OUTAGE_TOLERANCE);
    }

    /** The same, with the keys kept {@code cache} and the last good ones serving {@code outageTolerance} in an outage. */
    JwtBearerTokens people(Set<TeamId> teams, Duration cache, Duration outageTolerance) {
        return people(teams, cache, outageTolerance, Optional.empty());
    }

    /** The same, with tokens living longer than {@code maxLifetime} (exp - iat) refused. */
    JwtBearerTokens people(Set<TeamId> teams, Duration cache, Duration outageTolerance, Optional<Duration> maxLifetime) {
        return JwtBearerTokens.of(new JwtSettings(ISSUER, AUDIENCE,
                URI.create("http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks"), Set.of(JWSAlgorithm.RS256),
                Duration.ofSeconds(30), "teams", "role", "member", "auditor", cache, outageTolerance, maxLifetime), teams);
    }

    /** Whether the JWKS is served (true) or answers 503 (false). */
    void serving(boolean on) {
        serving.set(on);
    }

    /** How many fetches of the JWKS were answered 503. */
    int refusals() {
        return refusals.get();
    }

    /** {@code claims}, issued by this provider for {@link #AUDIENCE}, signed with its key. */
    String signed(JWTClaimsSet.Builder claims) throws JOSEException {
        return signed(null, claims);
    }

    /** The same, the header's {@code typ} {@code type} (null: none). */
    String signed(JOSEObjectType type, JWTClaimsSet.Builder claims) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(type).build(),
                claims.issuer(ISSUER).audience(AUDIENCE).build());
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
