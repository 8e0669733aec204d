package org.vpsrecovery.bootstrap;

import io.micronaut.core.value.PropertyResolver;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Entries configured by name under one prefix, {@code <prefix>.<name>.<setting>} (the teams, the
 * auditors): which names there are, and which settings each is given. Only the keys are split here;
 * the values are read through the resolver, converted by Micronaut (ADR 0032).
 */
final class NamedSettings {

    private NamedSettings() {
    }

    /**
     * Each name under {@code prefix} with its settings, both sorted, so that start-up messages do not
     * depend on the order properties were read in. A list's entries ({@code servers[0]}, {@code servers[1]},
     * ...) are the one setting {@code servers}; a key with no setting part ({@code vpsr.teams.file}, which
     * an environment variable {@code VPSR_TEAMS_FILE} would become) gives its name the setting "".
     */
    static SortedMap<String, SortedSet<String>> under(PropertyResolver properties, String prefix) {
        SortedMap<String, SortedSet<String>> byName = new TreeMap<>();
        for (String key : properties.getProperties(prefix).keySet()) {
            String[] parts = key.replaceFirst("\\[\\d+]$", "").split("\\.", 2);
            byName.computeIfAbsent(parts[0], name -> new TreeSet<>()).add(parts.length == 2 ? parts[1] : "");
        }
        return byName;
    }

    /** A setting's full key, as messages name it. */
    static String key(String prefix, String name, String setting) {
        return prefix + "." + name + (setting.isEmpty() ? "" : "." + setting);
    }
}
