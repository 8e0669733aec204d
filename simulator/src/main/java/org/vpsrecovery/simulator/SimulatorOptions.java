package org.vpsrecovery.simulator;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How a simulator runs. {@code port} 0 picks a free port. {@code pageSize} 0 answers every list in
 * one page without {@code next}/{@code previous}, exactly like the spec's examples; a positive page
 * size adds {@code next} links so that clients' pagination can be tested. Those links start with
 * {@code advertisedUrl} if set (a provider behind a proxy names its public address), else with the
 * address the request was sent to.
 */
public record SimulatorOptions(String host, int port, Seed seed, boolean shiftSeedToNow, SimulatorClock clock,
                               Duration completionDelay, Duration restoreDelay, int pageSize,
                               Duration longestHang, long randomSeed, URI advertisedUrl) {

    public SimulatorOptions {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(seed, "seed");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(completionDelay, "completion delay");
        Objects.requireNonNull(restoreDelay, "restore delay");
        Objects.requireNonNull(longestHang, "longest hang");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0-65535");
        }
        if (pageSize < 0) {
            throw new IllegalArgumentException("page size must not be negative");
        }
        if (completionDelay.isNegative() || restoreDelay.isNegative() || longestHang.isNegative()) {
            throw new IllegalArgumentException("durations must not be negative");
        }
    }

    /** Loopback, a free port, the spec's examples moved to now, completion in 5 s, restores in 10 s. */
    public static SimulatorOptions defaults() {
        return new SimulatorOptions("127.0.0.1", 0, Seed.specExamples(), true, SimulatorClock.system(),
                Duration.ofSeconds(5), Duration.ofSeconds(10), 0, Duration.ofMinutes(5), 42L, null);
    }

    public SimulatorOptions withPort(int newPort) {
        return new SimulatorOptions(host, newPort, seed, shiftSeedToNow, clock, completionDelay, restoreDelay,
                pageSize, longestHang, randomSeed, advertisedUrl);
    }

    public SimulatorOptions withHost(String newHost) {
        return new SimulatorOptions(newHost, port, seed, shiftSeedToNow, clock, completionDelay, restoreDelay,
                pageSize, longestHang, randomSeed, advertisedUrl);
    }

    public SimulatorOptions withSeed(Seed newSeed, boolean shiftToNow) {
        return new SimulatorOptions(host, port, newSeed, shiftToNow, clock, completionDelay, restoreDelay,
                pageSize, longestHang, randomSeed, advertisedUrl);
    }

    public SimulatorOptions withClock(SimulatorClock newClock) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, newClock, completionDelay, restoreDelay,
                pageSize, longestHang, randomSeed, advertisedUrl);
    }

    public SimulatorOptions withDelays(Duration completion, Duration restore) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, completion, restore,
                pageSize, longestHang, randomSeed, advertisedUrl);
    }

    public SimulatorOptions withPageSize(int newPageSize) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, completionDelay, restoreDelay,
                newPageSize, longestHang, randomSeed, advertisedUrl);
    }

    public SimulatorOptions withAdvertisedUrl(URI url) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, completionDelay, restoreDelay,
                pageSize, longestHang, randomSeed, url);
    }

    public SimulatorOptions withLongestHang(Duration hang) {
        return new SimulatorOptions(host, port, seed, shiftSeedToNow, clock, completionDelay, restoreDelay,
                pageSize, hang, randomSeed, advertisedUrl);
    }
}
