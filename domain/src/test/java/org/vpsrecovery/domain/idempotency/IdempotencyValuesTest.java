package org.vpsrecovery.domain.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.domain.common.AuditorName;
import org.vpsrecovery.domain.common.TeamId;

class IdempotencyValuesTest {

    @Test
    void keysArePrintableAsciiUpTo255() {
        assertThat(new IdempotencyKey("a key with spaces ~!").value()).isEqualTo("a key with spaces ~!");
        assertThat(new IdempotencyKey("k".repeat(255)).value()).hasSize(255);
        assertThatThrownBy(() -> new IdempotencyKey("k".repeat(256))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("   ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("tab\there")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyKey("caf\u00e9")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void scopesAreATeamsIdAsStoredBeforeOrAnAuditorsNameThatNoTeamIdCanBe() {
        IdempotencyScope team = IdempotencyScope.of(new TeamId("blue"));
        IdempotencyScope auditor = IdempotencyScope.of(new AuditorName("blue"));

        assertThat(team.value()).isEqualTo("blue");
        assertThat(team.team()).contains(new TeamId("blue"));
        assertThat(auditor.value()).isEqualTo("auditor:blue");
        assertThat(auditor.team()).isEmpty();
        assertThat(auditor).isNotEqualTo(team);
        assertThatThrownBy(() -> new IdempotencyScope("auditor:Not A Name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyScope("team:blue")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new IdempotencyScope("auditor:")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintsAreSha256OfAnUnambiguousEncoding() {
        RequestFingerprint a = RequestFingerprint.of("POST", "/api/v1/backups/", "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(a.sha256Hex()).hasSize(64).matches("[0-9a-f]+");
        assertThat(RequestFingerprint.of("POST", "/api/v1/backups/", "{}".getBytes(StandardCharsets.UTF_8))).isEqualTo(a);
        // Moving bytes between the path and the body must change the fingerprint.
        assertThat(RequestFingerprint.of("POST", "/api/v1/backups/{", "}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(a);
        assertThat(RequestFingerprint.of("DELETE", "/api/v1/backups/", "{}".getBytes(StandardCharsets.UTF_8))).isNotEqualTo(a);
        assertThatThrownBy(() -> new RequestFingerprint("ABC")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void storedResponsesCopyTheirBodyAndCompareByContent() {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        StoredResponse response = new StoredResponse(201, "application/json", body);
        body[0] = 'X';

        assertThat(response.body()[0]).isEqualTo((byte) '{');
        assertThat(response).isEqualTo(new StoredResponse(201, "application/json",
                "{\"id\":1}".getBytes(StandardCharsets.UTF_8)));
        assertThat(response.toString()).doesNotContain("id").contains("8 bytes");
        assertThatThrownBy(() -> new StoredResponse(99, "text/plain", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new StoredResponse(200, "text/plain", new byte[StoredResponse.MAX_BODY_BYTES + 1]))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
