package org.vpsrecovery.adapters.http.facade;

import java.util.Map;
import java.util.Optional;
import org.vpsrecovery.domain.common.TeamId;

/** Team tokens kept only as SHA-256 digests, compared in constant time ({@link TokenDigests}). */
public final class HashedTeamTokens implements TeamAuthenticator {

    private final TokenDigests<TeamId> digests;

    /** @param sha256HexByTeam each team's token digest, 64 lower- or upper-case hex characters */
    public HashedTeamTokens(Map<TeamId, String> sha256HexByTeam) {
        this.digests = new TokenDigests<>(sha256HexByTeam, team -> "team " + team);
    }

    public static String sha256Hex(String token) {
        return TokenDigests.sha256Hex(token);
    }

    @Override
    public Optional<TeamId> authenticate(String presentedToken) {
        return digests.holderOf(presentedToken);
    }
}
