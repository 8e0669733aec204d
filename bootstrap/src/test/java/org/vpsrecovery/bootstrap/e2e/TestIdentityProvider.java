package org.vpsrecovery.bootstrap.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A company identity provider for tests: RSA and EC keys, their JWKS served on loopback HTTP (the
 * keys listed can change: a key rotated out), and tokens minted with nimbus-jose-jwt, honest or not.
 */
final class TestIdentityProvider implements AutoCloseable {

    static final String AUDIENCE = "vps-recovery-e2e";

    final RSAKey rsa;
    final ECKey ec;
    /** Signed its tokens once; no longer in the JWKS. */
    final RSAKey rotatedOut;
    private final HttpServer server;
    private final AtomicReference<byte[]> jwks = new AtomicReference<>();
    /** Off: the JWKS answers 503, as an identity provider that is down. */
    private final java.util.concurrent.atomic.AtomicBoolean serving = new java.util.concurrent.atomic.AtomicBoolean(true);
    private final java.util.concurrent.atomic.AtomicInteger fetches = new java.util.concurrent.atomic.AtomicInteger();
    /** Fetches answered 503 while off: the service asked again. */
    private final java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();
    final String issuer;

    private TestIdentityProvider() throws JOSEException, IOException {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-current").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-current").generate();
        rotatedOut = new RSAKeyGenerator(2048).keyID("rsa-rotated-out").generate();
        publish(List.of(rsa, ec));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            if (!serving.get()) {
                refusals.incrementAndGet();
                exchange.sendResponseHeaders(503, -1);
                exchange.close();
                return;
            }
            fetches.incrementAndGet();
            byte[] body = jwks.get();
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        issuer = "https://idp.example.test/realms/ops";
    }

    static TestIdentityProvider start() {
        try {
            return new TestIdentityProvider();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether the JWKS is served (true) or answers 503 (false). */
    void serving(boolean on) {
        serving.set(on);
    }

    /** How many times the JWKS was served. */
    int fetches() {
        return fetches.get();
    }

    int refusals() {
        return refusals.get();
    }

    void publish(List<JWK> keys) {
        jwks.set(new JWKSet(keys.stream().map(JWK::toPublicJWK).toList()).toString().getBytes(StandardCharsets.UTF_8));
    }

    String jwksUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks";
    }

    Map<String, Object> properties() {
        return Map.of("vpsr.identity.jwt.issuer", issuer, "vpsr.identity.jwt.audience", AUDIENCE,
                "vpsr.identity.jwt.jwks-url", jwksUrl(), "vpsr.identity.jwt.clock-skew", "30s");
    }

    /** Claims of a member of {@code team}, valid now for 10 minutes; {@code edit} changes them. */
    JWTClaimsSet claims(String subject, String team, Consumer<JWTClaimsSet.Builder> edit) {
        Instant now = Instant.now();
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject(subject)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(10))))
                .claim("vpsr_teams", List.of(team)).claim("vpsr_role", "member");
        edit.accept(claims);
        return claims.build();
    }

    String member(String subject, String team) {
        return rs256(rsa, claims(subject, team, c -> { }));
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims, signer(() -> new RSASSASigner(key)));
    }

    String es256(JWTClaimsSet claims) {
        return sign(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(ec.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims, signer(() -> new ECDSASigner(ec)));
    }

    /** HS/RS confusion: HS256 "signed" with the RSA public key's bytes as the shared secret, naming the RSA key. */
    String hs256WithPublicKey(JWTClaimsSet claims) {
        byte[] secret = signer(() -> rsa.toPublicJWK().toRSAPublicKey().getEncoded());
        return sign(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(rsa.getKeyID()).type(JOSEObjectType.JWT).build(),
                claims, signer(() -> new MACSigner(secret)));
    }

    static String unsigned(JWTClaimsSet claims) {
        return new PlainJWT(claims).serialize();
    }

    private interface Make<T> {
        T make() throws JOSEException;
    }

    private static <T> T signer(Make<T> make) {
        try {
            return make.make();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSHeader header, JWTClaimsSet claims, JWSSigner signer) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
