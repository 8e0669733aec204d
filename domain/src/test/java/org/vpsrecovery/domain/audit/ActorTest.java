package org.vpsrecovery.domain.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.RequestId;
import org.vpsrecovery.domain.common.TeamId;
import org.vpsrecovery.domain.server.ServerId;

class ActorTest {

    private static AuditEvent event(Map<String, String> detail) {
        return new AuditEvent(Instant.parse("2026-11-30T12:00:00Z"), new TeamId("blue"), new RequestId("r-1"),
                Operation.CREATE_SNAPSHOT, Optional.of(new ServerId(1)), Optional.empty(), new Outcome.Accepted(),
                OptionalInt.empty(), detail);
    }

    @Test
    void anActorIsWrittenIntoTheDetailAndReadBack() {
        Actor alice = Actor.of("alice@example.com", Actor.Authentication.JWT, "key-1");
        AuditEvent event = event(alice.into(new LinkedHashMap<>(Map.of("name", "x"))));

        assertThat(event.detail()).containsEntry(Actor.SUBJECT, "alice@example.com")
                .containsEntry(Actor.AUTHENTICATION, "jwt").containsEntry(Actor.KEY_ID, "key-1").containsEntry("name", "x");
        assertThat(Actor.of(event)).contains(alice);
    }

    @Test
    void anotherActorReplacesACopiedOneAndAKeylessOneDropsTheCopiedKeyId() {
        Map<String, String> copied = Actor.of("alice", Actor.Authentication.JWT, "key-1").into(new LinkedHashMap<>());

        Actor.SYSTEM.into(copied);

        assertThat(Actor.of(event(copied))).contains(Actor.SYSTEM);
        assertThat(copied).doesNotContainKey(Actor.KEY_ID);
    }

    @Test
    void anEventWithoutAnActorEncodesAsBeforeAndHasNoActor() {
        AuditEvent old = event(Map.of("name", "x"));

        assertThat(Actor.of(old)).isEmpty();
        // The detail is the chained content: no actor keys, the same bytes as any event of format v1 had.
        assertThat(new String(AuditChain.canonicalEncoding(1, old), java.nio.charset.StandardCharsets.UTF_8))
                .startsWith(AuditChain.FORMAT + "\n").doesNotContain("actor");
    }

    @Test
    void theActorIsPartOfTheChainedContent() {
        AuditEvent by = event(Actor.of("alice", Actor.Authentication.JWT, "k").into(new LinkedHashMap<>()));
        AuditEvent other = event(Actor.of("mallory", Actor.Authentication.JWT, "k").into(new LinkedHashMap<>()));

        assertThat(AuditChain.link(ChainHash.GENESIS, 1, by)).isNotEqualTo(AuditChain.link(ChainHash.GENESIS, 1, other));
    }

    @Test
    void subjectsAndKeyIdsArePrintableAndBounded() {
        assertThatThrownBy(() -> Actor.of("line\nbreak", Actor.Authentication.JWT, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Actor.of("a".repeat(Actor.MAX_LENGTH + 1), Actor.Authentication.JWT, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Actor.of("alice", Actor.Authentication.JWT, "")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Actor.Authentication.fromWireName("service-token")).contains(Actor.Authentication.SERVICE_TOKEN);
    }

    /** The character check (ADR 0100) accepts exactly what the regular expression it replaced did. */
    @Test
    void printableIsExactlyWhatTheFormerPatternAccepted() {
        java.util.regex.Pattern former = java.util.regex.Pattern.compile("[\\p{Graph} ]{1," + Actor.MAX_LENGTH + "}");
        for (char c = 0; c < 0x3000; c++) {
            String text = "a" + c;
            assertThat(Actor.isPrintable(text)).as("U+%04X", (int) c).isEqualTo(former.matcher(text).matches());
        }
        for (String text : new String[] {"", " ", "x".repeat(Actor.MAX_LENGTH), "x".repeat(Actor.MAX_LENGTH + 1),
                "blue/default", "ä", "tab\there"}) {
            assertThat(Actor.isPrintable(text)).as(text).isEqualTo(former.matcher(text).matches());
        }
        assertThat(Actor.isPrintable(null)).isFalse();
    }
}
