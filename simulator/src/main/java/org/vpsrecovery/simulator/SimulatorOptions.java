package org.vpsrecovery.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a simulator runs. {@code port} 0 picks a free port. {@code lifecycle} says how long
 * creations and restores take and how often creations fail ({@link LifecycleProfile} has ready-made
 * ones); {@code randomSeed} makes those draws, and faults' shares, the same on every run. {@code pageSize}
 * 0 answers every list in one page without {@code next}/{@code previous}, exactly like the spec's
 * examples; a positive page size adds {@code next} links so that clients' pagination can be tested.
 * Those links start with {@code advertisedUrl} if set (a provider behind a proxy names its public
 * address), else with the address the request was sent to. {@code undocumented}: answers VPS.org may give that
 * its documentation does not show, off by default.
 */
public record SimulatorOptions(String host, int port, Seed seed, boolean shiftSeedToNow, SimulatorClock clock,
                               Lifecycle lifecycle, int pageSize, Duration longestHang, long randomSeed,
                               URI advertisedUrl, UndocumentedAnswers undocumented) {

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(lifecycle, "lifecycle");
        Objects.requireNonNull(longestHang, "longest hang");
        Objects.requireNonNull(undocumented, "undocumented answers");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (pageSize < 0) {
            throw new IllegalArgumentException("page size must not be negative");
        }
        if (longestHang.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /**
     * Loopback, a free port, the spec's examples moved to now, the {@link LifecycleProfile#FAST fast}
     * profile (creations complete in 5 s, never fail; restores take 10 s).
     */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, Seed.specExamples(), true, SimulatorClock.system(),
                LifecycleProfile.FAST.lifecycle(), 0, Duration.ofMinutes(5), 42L, null, UndocumentedAnswers.none());
    }

    /** Long enough for every creation started now to have ended: what a test advances the clock by. */
    public Duration completionDelay() {
        return lifecycle.longestCreation();
    }

    /** The longest a restore, of either kind, keeps its server {@code restoring}. */
    public Duration restoreDelay() {
        return lifecycle.longestRestore();
    }

    public SimulatorOptions withPort(int newPort) {
        return new SimulatorOptions(host, newPort, seed, shiftSeedToNow, clock, lifecycle, pageSize, longestHang,
                randomSeed, advertisedUrl, undocumented);
    }

    public SimulatorOptions withHost(String newHost) {
        return new SimulatorOptions(newHost, port, seed, shiftSeedToNow, clock, lifecycle, pageSize, longestHang,
                randomSeed, advertisedUrl, undocumented);
    }

    public SimulatorOptions withSeed(Seed newSeed, boolean shiftToNow) {
        return new SimulatorOptions(host, port, newSeed, shiftToNow, clock, lifecycle, pageSize, longestHang,
                randomSeed, advertisedUrl, undocumented);
    }

    public SimulatorOptions withClock(SimulatorClock newClock) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, newClock, lifecycle, pageSize, longestHang,
                randomSeed, advertisedUrl, undocumented);
    }

    public SimulatorOptions withLifecycle(Lifecycle newLifecycle) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, newLifecycle, pageSize, longestHang,
                randomSeed, advertisedUrl, undocumented);
    }

    /** The profile's durations, keeping the failure rate set so far. */
    public SimulatorOptions withProfile(LifecycleProfile profile) {
        return withLifecycle(profile.lifecycle().withFailureRate(lifecycle.failureRate()));
    }

    /** Snapshots and backups complete after exactly {@code completion}, restores take exactly {@code restore}. */
    public SimulatorOptions withDelays(Duration completion, Duration restore) {
        return withLifecycle(lifecycle.withCreation(DurationRange.exactly(completion))
                .withRestore(DurationRange.exactly(restore)));
    }

    /** The share (0.0-1.0) of new snapshots and manual backups that end {@code failed}. */
    public SimulatorOptions withFailureRate(double rate) {
        return withLifecycle(lifecycle.withFailureRate(rate));
    }

    public SimulatorOptions withRandomSeed(long newRandomSeed) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, lifecycle, pageSize, longestHang,
                newRandomSeed, advertisedUrl, undocumented);
    }

    public SimulatorOptions withPageSize(int newPageSize) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, lifecycle, newPageSize, longestHang,
                randomSeed, advertisedUrl, undocumented);
    }

    public SimulatorOptions withAdvertisedUrl(URI url) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, lifecycle, pageSize, longestHang,
                randomSeed, url, undocumented);
    }

    public SimulatorOptions withLongestHang(Duration hang) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, lifecycle, pageSize, hang,
                randomSeed, advertisedUrl, undocumented);
    }

    /** Answers VPS.org may give that its documentation does not show ({@link UndocumentedAnswers}). */
    public SimulatorOptions withUndocumentedAnswers(UndocumentedAnswers answers) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, lifecycle, pageSize, longestHang,
                randomSeed, advertisedUrl, answers);
    }
}
