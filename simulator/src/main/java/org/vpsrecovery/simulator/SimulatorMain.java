package org.vpsrecovery.simulator;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar simulator/target/simulator.jar [--port 8090] [--host 127.0.0.1] [--seed file.json]
 * [--profile fast|demo|realistic] [--completion-seconds 5] [--snapshot-seconds 180-600]
 * [--backup-seconds 180-480] [--restore-seconds 10] [--backup-restore-seconds 960-3000] [--failure-rate 0.1] [--random-seed 42]
 * [--page-size 0] [--advertised-url URL] [--restore-answer documented|accepted] [--refuse-while-restoring] [--no-shift]
 * [--rate-limit N/min]}
 */
public final class SimulatorMain {

    static final String USAGE = "usage: java -jar simulator.jar [--port 8090] [--host 127.0.0.1] [--seed seed.json]"
            + " [--profile fast|demo|realistic] [--completion-seconds 5] [--snapshot-seconds MIN[-MAX]]"
            + " [--backup-seconds MIN[-MAX]] [--restore-seconds 10] [--backup-restore-seconds MIN[-MAX]] [--failure-rate 0.0] [--random-seed 42]"
            + " [--page-size 0] [--advertised-url URL] [--restore-answer documented|accepted] [--refuse-while-restoring]"
            + " [--no-shift] [--rate-limit N/min]";

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            System.out.println(USAGE);
            return;
        }
        VpsOrgSimulator simulator = VpsOrgSimulator.start(options(args));
        simulator.rateLimit(rateLimit(args));
        simulator.banner().forEach(System.out::println);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /**
     * The options the arguments describe, over the defaults on port 8090. {@code --profile} is applied
     * first wherever it stands; the durations and failure rate given beside it change it.
     */
    static SimulatorOptions options(String... args) {
        SimulatorOptions options = SimulatorOptions.defaults().withPort(8090);
        LifecycleProfile profile = null;
        DurationRange snapshots = null;
        DurationRange backups = null;
        DurationRange restores = null;
        DurationRange backupRestores = null;
        Double failureRate = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--no-shift")) {
                options = options.withSeed(options.seed(), false);
                continue;
            }
            if (flag.equals("--refuse-while-restoring")) {
                options = options.withUndocumentedAnswers(options.undocumented().withRefuseWhileRestoring(true));
                continue;
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            String value = args[++i];
            switch (flag) {
                case "--port" -> options = options.withPort(Integer.parseInt(value));
                case "--host" -> options = options.withHost(value);
                case "--seed" -> options = options.withSeed(Seed.read(Path.of(value)), options.shiftSeedToNow());
                case "--profile" -> profile = LifecycleProfile.fromWire(value);
                case "--completion-seconds" -> {
                    snapshots = DurationRange.parseSeconds(value);
                    backups = snapshots;
                }
                case "--snapshot-seconds" -> snapshots = DurationRange.parseSeconds(value);
                case "--backup-seconds" -> backups = DurationRange.parseSeconds(value);
                case "--restore-seconds" -> restores = DurationRange.parseSeconds(value);
                case "--backup-restore-seconds" -> backupRestores = DurationRange.parseSeconds(value);
                case "--failure-rate" -> failureRate = Double.parseDouble(value);
                case "--random-seed" -> options = options.withRandomSeed(Long.parseLong(value));
                case "--page-size" -> options = options.withPageSize(Integer.parseInt(value));
                case "--advertised-url" -> options = options.withAdvertisedUrl(URI.create(value));
                case "--restore-answer" -> options = options.withUndocumentedAnswers(
                        options.undocumented().withRestoreAnswer(UndocumentedAnswers.RestoreAnswer.fromWire(value)));
                case "--rate-limit" -> callsPerMinute(value); // checked here, set on the started simulator
                default -> throw new IllegalArgumentException("unknown option " + flag + " (try --help)");
            }
        }
        Lifecycle lifecycle = (profile == null ? options.lifecycle() : profile.lifecycle());
        if (snapshots != null) {
            lifecycle = lifecycle.withSnapshotCreation(snapshots);
        }
        if (backups != null) {
            lifecycle = lifecycle.withBackupCreation(backups);
        }
        if (restores != null) {
            lifecycle = lifecycle.withRestore(restores);
        }
        if (backupRestores != null) {
            lifecycle = lifecycle.withBackupRestore(backupRestores);
        }
        if (failureRate != null) {
            lifecycle = lifecycle.withFailureRate(failureRate);
        }
        return options.withLifecycle(lifecycle);
    }

    /** {@code --rate-limit N/min}: each token's calls a minute before VPS.org answers 429 (0, the default: no limit). */
    static int rateLimit(String... args) {
        int limit = 0;
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--rate-limit")) {
                limit = callsPerMinute(args[i + 1]);
            }
        }
        return limit;
    }

    private static int callsPerMinute(String value) {
        java.util.regex.Matcher perMinute = java.util.regex.Pattern.compile("(\\d{1,9})/min").matcher(value.strip());
        if (!perMinute.matches()) {
            throw new IllegalArgumentException("--rate-limit takes N/min, e.g. 600/min, was " + value);
        }
        return Integer.parseInt(perMinute.group(1));
    }
}
