package org.vpsrecovery.domain.policy;

import java.util.Arrays;
import java.util.Locale;

/** What a policy makes on its schedule. */
public enum PolicyKind {
    SNAPSHOT, MANUAL_BACKUP;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static PolicyKind fromWire(String name) {
        return Arrays.stream(values()).filter(k -> k.wireName().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("kind must be snapshot or manual_backup"));
    }
}
