package org.vpsrecovery.bootstrap;

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
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The embedded default's stand-in for a company identity provider (ADR 0034): a fresh RSA key each
 * start, its JWKS served on loopback, and ready-made tokens for two demo people of the demo team.
 * The service checks them exactly as it would a real provider's (it only knows the JWKS URL).
 */
public final class DemoIdentityProvider implements AutoCloseable {

    public static final String AUDIENCE = "vps-recovery";
    public static final List<String> DEMO_PEOPLE = List.of("alice", "bob");
    static final Duration TOKEN_LIFETIME = Duration.ofDays(1);
    private static final String JWKS_PATH = "/demo-idp/jwks.json";

    private final HttpServer server;
    private final RSAKey key;
    private final String issuer;

    private DemoIdentityProvider(HttpServer server, RSAKey key) {
        this.server = server;
        this.key = key;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + "/demo-idp";
    }

    public static DemoIdentityProvider start() {
        RSAKey key;
        try {
            key = new RSAKeyGenerator(2048).keyID("demo-" + UUID.randomUUID().toString().substring(0, 8)).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException("could not make the demo identity provider's key", e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the demo identity provider on loopback", e);
        }
        server.createContext(JWKS_PATH, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream body = exchange.getResponseBody()) {
                body.write(jwks);
            }
        });
        server.start();
        return new DemoIdentityProvider(server, key);
    }

    /** The settings that point the service at this provider ({@code vpsr.identity.jwt.*}). */
    public Map<String, Object> properties() {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put(ConfiguredIdentityProvider.PREFIX + ".issuer", issuer);
        properties.put(ConfiguredIdentityProvider.PREFIX + ".audience", AUDIENCE);
        properties.put(ConfiguredIdentityProvider.PREFIX + ".jwks-url", issuer.replace("/demo-idp", "") + JWKS_PATH);
        return properties;
    }

    /** A member's token for {@code person} of {@code team}, valid for {@link #TOKEN_LIFETIME}. */
    public String tokenFor(String person, String team) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).audience(AUDIENCE).subject(person)
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plus(TOKEN_LIFETIME)))
                .claim("vpsr_teams", List.of(team)).claim("vpsr_role", "member").claim("name", person).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                .type(JOSEObjectType.JWT).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a demo token", e);
        }
        return jwt.serialize();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
