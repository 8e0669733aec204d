package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micronaut.context.ApplicationContext;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.vpsrecovery.adapters.http.facade.HashedAuditorTokens;
import org.vpsrecovery.adapters.http.facade.HashedTeamTokens;

class ConfiguredAuditorsTest {

    private static ConfiguredAuditors auditors(Map<String, Object> properties) {
        try (ApplicationContext context = ApplicationContext.builder().properties(properties).build()) {
            context.getEnvironment().start();
            return ConfiguredAuditors.from(context.getEnvironment());
        }
    }

    @Test
    void readsEachAuditorsTokenDigestAndAuthenticatesOnlyThatToken() {
        ConfiguredAuditors configured = auditors(Map.of(
                "vpsr.auditors.compliance.token-sha256", HashedTeamTokens.sha256Hex("s3cret-auditor"),
                "vpsr.auditors.internal-audit.token-sha256", "b".repeat(64)));

        assertThat(configured.tokenDigests()).containsOnlyKeys("compliance", "internal-audit");
        HashedAuditorTokens tokens = new HashedAuditorTokens(configured.tokenDigests());
        assertThat(tokens.authenticate("s3cret-auditor")).hasValueSatisfying(a -> assertThat(a.name().value()).isEqualTo("compliance"));
        assertThat(tokens.authenticate("s3cret-auditor ")).isEmpty();
        assertThat(tokens.authenticate("")).isEmpty();
    }

    @Test
    void noAuditorIsFineAndABadEntryIsNamed() {
        assertThat(auditors(Map.of()).tokenDigests()).isEmpty();
        assertThatThrownBy(() -> auditors(Map.of("vpsr.auditors.compliance.servers", "1")))
                .hasMessageContaining("vpsr.auditors.compliance.token-sha256 is required");
        assertThatThrownBy(() -> new HashedAuditorTokens(auditors(Map.of(
                "vpsr.auditors.compliance.token-sha256", "not-hex")).tokenDigests()))
                .hasMessageContaining("auditor compliance").hasMessageNotContaining("not-hex");
    }

    @Test
    void anAuditorSettingOtherThanTheDigestIsRefusedByItsFullNameAsATeamsIs() {
        String digest = "c".repeat(64);
        assertThatThrownBy(() -> auditors(Map.of("vpsr.auditors.compliance.token-sha256", digest,
                "vpsr.auditors.compliance.servers", "1,2")))
                .hasMessageContaining("vpsr.auditors.compliance.servers is not an auditor setting");
        // Surrounding blanks do not count, as in a team's digest.
        assertThat(auditors(Map.of("vpsr.auditors.compliance.token-sha256", " " + digest + " ")).tokenDigests())
                .containsEntry("compliance", digest);
    }
}
