package org.vpsrecovery.adapters.http.facade;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.vpsrecovery.domain.common.TeamId;

/**
 * Teams' service tokens kept only as SHA-256 digests, compared in constant time ({@link TokenDigests}),
 * several per team; one past its not-after is refused like an unknown one.
 */
public final class HashedTeamTokens implements TeamAuthenticator {

    private final TokenDigests<ServiceToken> digests;
    private final List<ServiceToken> tokens;
    private final Clock clock;

    public HashedTeamTokens(List<ServiceToken> tokens, Clock clock) {
        this.digests = new TokenDigests<>(tokens.stream().collect(Collectors.toMap(Function.identity(),
                ServiceToken::sha256Hex, (a, b) -> a, java.util.LinkedHashMap::new)),
                token -> "team " + token.team() + " token " + token.id());
        this.tokens = List.copyOf(tokens);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** @param sha256HexByTeam each team's one token digest (id {@value ServiceToken#DEFAULT_ID}, no expiry) */
    public HashedTeamTokens(Map<TeamId, String> sha256HexByTeam) {
        this(sha256HexByTeam.entrySet().stream().map(e -> new ServiceToken(e.getKey(), ServiceToken.DEFAULT_ID,
                e.getValue(), Optional.empty())).toList(), Clock.systemUTC());
    }

    public static String sha256Hex(String token) {
        return TokenDigests.sha256Hex(token);
    }

    @Override
    public Optional<ServiceToken> authenticate(String presentedToken) {
        return digests.holderOf(presentedToken).filter(token -> token.validAt(clock.instant()));
    }

    @Override
    public Optional<ServiceToken> configured(TeamId team, String id) {
        Instant now = clock.instant();
        return tokens.stream().filter(token -> token.team().equals(team) && token.id().equals(id) && token.validAt(now))
                .findFirst();
    }
}
