package org.vpsrecovery.cli;

import java.time.Duration;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** {@code --wait} and its {@code --timeout}, shared by every command that starts an operation. */
final class WaitOptions {

    @Option(names = "--wait", description = "follow the operation to its end")
    boolean wait;

    @Option(names = "--timeout", paramLabel = "SECONDS", converter = PositiveSeconds.class,
            description = "with --wait, give up after this long (exit 9; the operation goes on); default: no limit")
    Duration timeout;

    Optional<Duration> limit() {
        return Optional.ofNullable(timeout);
    }

    /** A whole, positive number of seconds: refused as a usage error before any request is sent. */
    static final class PositiveSeconds implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                long seconds = Long.parseLong(value.strip());
                if (seconds > 0) {
                    return Duration.ofSeconds(seconds);
                }
            } catch (NumberFormatException e) {
                // refused below, with the same words
            }
            throw new CommandLine.TypeConversionException("--timeout must be a positive number of seconds");
        }
    }
}
