package org.vpsrecovery.simulator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * {@code java -jar simulator/target/simulator.jar [--port 8090] [--host 127.0.0.1] [--seed file.json]
 * [--completion-seconds 5] [--restore-seconds 10] [--page-size 0] [--advertised-url URL] [--no-shift]}
 */
public final class SimulatorMain {

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        SimulatorOptions options = SimulatorOptions.defaults().withPort(8090);
        Duration completion = options.completionDelay();
        Duration restore = options.restoreDelay();
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                System.out.println("usage: java -jar simulator.jar [--port 8090] [--host 127.0.0.1] [--seed seed.json]"
                        + " [--completion-seconds 5] [--restore-seconds 10] [--page-size 0] [--advertised-url URL] [--no-shift]");
                return;
            }
            if (flag.equals("--no-shift")) {
                options = options.withSeed(options.seed(), false);
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
                case "--completion-seconds" -> completion = Duration.ofSeconds(Long.parseLong(value));
                case "--restore-seconds" -> restore = Duration.ofSeconds(Long.parseLong(value));
                case "--page-size" -> options = options.withPageSize(Integer.parseInt(value));
                case "--advertised-url" -> options = options.withAdvertisedUrl(java.net.URI.create(value));
                default -> throw new IllegalArgumentException("unknown option " + flag + " (try --help)");
            }
        }
        VpsOrgSimulator simulator = VpsOrgSimulator.start(options.withDelays(completion, restore));
        simulator.banner().forEach(System.out::println);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            simulator.close();
            stopped.countDown();
        }));
        stopped.await();
    }
}
