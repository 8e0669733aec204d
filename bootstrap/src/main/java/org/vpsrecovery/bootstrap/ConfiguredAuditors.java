package org.vpsrecovery.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
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

    private final Map<String, String> tokenDigests;

    private ConfiguredAuditors(Map<String, String> tokenDigests) {
        this.tokenDigests = Map.copyOf(tokenDigests);
    }

    public static ConfiguredAuditors from(PropertyResolver properties) {
        Set<String> names = new TreeSet<>();
        properties.getProperties("vpsr.auditors").keySet().forEach(key -> names.add(key.split("\\.", 2)[0]));
        Map<String, String> digests = new LinkedHashMap<>();
        for (String name : names) {
            String prefix = "vpsr.auditors." + name + ".";
            try {
                new AuditReader.Auditor(name);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vpsr.auditors." + name + ": " + e.getMessage());
            }
            String digest = properties.get(prefix + "token-sha256", String.class)
                    .orElseThrow(() -> new IllegalArgumentException(prefix + "token-sha256 is required"));
            digests.put(name, digest);
        }
        return new ConfiguredAuditors(digests);
    }

    /** Each auditor's name and token digest. */
    public Map<String, String> tokenDigests() {
        return tokenDigests;
    }
}
