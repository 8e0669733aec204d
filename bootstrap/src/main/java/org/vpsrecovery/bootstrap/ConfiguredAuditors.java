package org.vpsrecovery.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.vpsrecovery.application.audit.AuditReader;
import org.vpsrecovery.domain.common.AuditorName;

/**
 * The auditors, from configuration: for each {@code vpsr.auditors.<name>.token-sha256}, the SHA-256
 * of the auditor's token (hex). Auditors read every team's audit reports and nothing else. None
 * configured is fine: the reports are then for team tokens only.
 *
 * <pre>
 * vpsr.auditors.compliance.token-sha256=4f1c...   (sha256 of the token, hex)
 * </pre>
 */
public final class ConfiguredAuditors {

    static final String PREFIX = "vpsr.auditors";
    private static final String TOKEN_SHA256 = "token-sha256";

    private final Map<String, String> tokenDigests;

    private ConfiguredAuditors(Map<String, String> tokenDigests) {
        this.tokenDigests = Map.copyOf(tokenDigests);
    }

    /**
     * The auditors under {@code vpsr.auditors} of a Micronaut environment (or any property source),
     * read as the teams are (ADR 0032); a key of any other shape is refused, named.
     */
    public static ConfiguredAuditors from(PropertyResolver properties) {
        Map<String, String> digests = new LinkedHashMap<>();
        NamedSettings.under(properties, PREFIX).forEach((name, settings) ->
                digests.put(name, digest(name, settings, properties)));
        Map<String, String> byKey = new LinkedHashMap<>();
        digests.forEach((name, digest) -> byKey.put(PREFIX + "." + name + "." + TOKEN_SHA256, digest));
        ConfiguredTeams.refuseSharedDigests(byKey);
        return new ConfiguredAuditors(digests);
    }

    private static String digest(String name, Set<String> settings, PropertyResolver properties) {
        String prefix = PREFIX + "." + name + ".";
        try {
            // Never a name a person signed in by JWT is given: they would share idempotency keys and read shares.
            new AuditReader.Auditor(AuditorName.configured(name));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "." + name + ": " + e.getMessage());
        }
        String digest = properties.get(prefix + TOKEN_SHA256, String.class).map(String::strip).orElse("");
        if (digest.isEmpty()) {
            throw new IllegalArgumentException(prefix + TOKEN_SHA256 + " is required");
        }
        settings.stream().filter(setting -> !TOKEN_SHA256.equals(setting)).findFirst().ifPresent(setting -> {
            throw new IllegalArgumentException(NamedSettings.key(PREFIX, name, setting) + " is not an auditor setting; "
                    + "an auditor is configured by " + PREFIX + ".<name>." + TOKEN_SHA256 + " only");
        });
        if (!ConfiguredTeams.SHA256_HEX.matcher(digest).matches()) {
            throw new IllegalArgumentException(prefix + TOKEN_SHA256 + " must be 64 hex characters, the SHA-256 of "
                    + "auditor " + name + "'s token (printf %s \"$TOKEN\" | sha256sum)");
        }
        return digest;
    }

    /** Each auditor's name and token digest. */
    public Map<String, String> tokenDigests() {
        return tokenDigests;
    }
}
