package org.vpsrecovery.adapters.http.facade;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Team tokens kept only as SHA-256 digests. A presented token is hashed and compared with every
 * stored digest in constant time, so neither timing nor early exit tells how close a guess was.
 */
public final class HashedTeamTokens implements TeamAuthenticator {

    private record Entry(TeamId team, byte[] digest) {
    }

    private final List<Entry> entries;

    /** @param sha256HexByTeam each team's token digest, 64 lower- or upper-case hex characters */
    public HashedTeamTokens(Map<TeamId, String> sha256HexByTeam) {
        this.entries = sha256HexByTeam.entrySet().stream()
                .map(e -> new Entry(e.getKey(), parseDigest(e.getKey(), e.getValue())))
                .toList();
    }

    public static String sha256Hex(String token) {
        return HexFormat.of().formatHex(digest(token));
    }

    @Override
    public Optional<TeamId> authenticate(String presentedToken) {
        if (presentedToken == null || presentedToken.isEmpty() || presentedToken.length() > 512) {
            return Optional.empty();
        }
        byte[] presented = digest(presentedToken);
        TeamId match = null;
        for (Entry entry : entries) {
            if (MessageDigest.isEqual(entry.digest(), presented)) {
                match = entry.team();
            }
        }
        return Optional.ofNullable(match);
    }

    private static byte[] parseDigest(TeamId team, String hex) {
        if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("the token digest of team " + team + " must be 64 hex characters (SHA-256)");
        }
        return HexFormat.of().parseHex(hex.toLowerCase(java.util.Locale.ROOT));
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
