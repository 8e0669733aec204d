package org.vpsrecovery.simulator;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Ready-made {@link Lifecycle}s, none failing by itself (a failure rate is set on its own). */
public enum LifecycleProfile {

    /** For tests: creations take 5 s, restores 10 s ({@link SimulatorOptions#defaults()}). */
    FAST(new Lifecycle(DurationRange.ofSeconds(5, 5), DurationRange.ofSeconds(5, 5), DurationRange.ofSeconds(10, 10),
            DurationRange.ofSeconds(10, 10), 0.0)),

    /** For a newcomer (the service's embedded default): creations take 15-25 s, restores 30 s, long enough to see. */
    DEMO(new Lifecycle(DurationRange.ofSeconds(15, 25), DurationRange.ofSeconds(15, 25), DurationRange.ofSeconds(30, 30),
            DurationRange.ofSeconds(30, 30), 0.0)),

    /**
     * The provider's own words: snapshots "3-10 minutes", backups "several minutes" (read as
     * 3-8), snapshot restores "5-15 minutes"; backup restores "slower, varies", with no bound (read as
     * 16-50 minutes: every one past the snapshot restore's 15, within the platform's default backup restore window of 60).
     */
    REALISTIC(new Lifecycle(DurationRange.ofSeconds(180, 600), DurationRange.ofSeconds(180, 480),
            DurationRange.ofSeconds(300, 900), DurationRange.ofSeconds(960, 3000), 0.0));

    private final Lifecycle lifecycle;

    LifecycleProfile(Lifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    public Lifecycle lifecycle() {
        return lifecycle;
    }

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code fast}, {@code demo} or {@code realistic}, in any case. */
    public static LifecycleProfile fromWire(String raw) {
        String name = raw == null ? "" : raw.strip();
        return Arrays.stream(values()).filter(p -> p.wireName().equalsIgnoreCase(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown profile \"" + name + "\"; known: " + names()));
    }

    /** {@code fast, demo, realistic}: for messages. */
    public static String names() {
        return Arrays.stream(values()).map(LifecycleProfile::wireName).collect(Collectors.joining(", "));
    }
}
