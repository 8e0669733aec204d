package org.vpsrecovery.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.vpsrecovery.application.audit.AuditReader;

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

    public static ConfiguredAuditors from(PropertyResolver properties) {
        return fromSettings(properties.getProperties(PREFIX));
    }

    /** The auditors from settings named relative to {@code vpsr.auditors.}; a key of any other shape is refused, named. */
    public static ConfiguredAuditors fromSettings(Map<String, ?> settings) {
        Map<String, Map<String, String>> byName = new TreeMap<>();
        for (Map.Entry<String, ?> setting : settings.entrySet()) {
            String[] parts = setting.getKey().split("\\.", 2);
            byName.computeIfAbsent(parts[0], name -> new TreeMap<>()).put(parts.length == 2 ? parts[1] : "",
                    setting.getValue() == null ? "" : setting.getValue().toString().strip());
        }
        Map<String, String> digests = new LinkedHashMap<>();
        byName.forEach((name, values) -> digests.put(name, digest(name, values)));
        return new ConfiguredAuditors(digests);
    }

    private static String digest(String name, Map<String, String> values) {
        String prefix = PREFIX + "." + name + ".";
        try {
            new AuditReader.Auditor(name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + "." + name + ": " + e.getMessage());
        }
        String digest = values.get(TOKEN_SHA256);
        if (digest == null || digest.isEmpty()) {
            throw new IllegalArgumentException(prefix + TOKEN_SHA256 + " is required");
        }
        values.keySet().stream().filter(key -> !TOKEN_SHA256.equals(key)).findFirst().ifPresent(key -> {
            throw new IllegalArgumentException((key.isEmpty() ? PREFIX + "." + name : prefix + key)
                    + " is not an auditor setting; an auditor is configured by " + PREFIX + ".<name>." + TOKEN_SHA256 + " only");
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
