package org.vpsrecovery.bootstrap.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.MessageFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * {@code System.Logger.log(level, pattern, params)} formats with {@link MessageFormat}, where a single apostrophe
 * quotes what follows: "the operations' round stopped: {0}" logs a literal "{0}" and drops the cause (session 47).
 * Every pattern with parameters is checked to log what its text says. In the service these lines go through
 * Slf4jLoggerFinder, which formats them with {@link MessageFormat} too (ApplicationLogLinesTest).
 */
class LogMessagePatternsTest {

    private static final Pattern LOG_CALL = Pattern.compile(
            "\\.log\\(\\s*(?:System\\.Logger\\.)?Level\\.\\w+,\\s*((?:\"(?:[^\"\\\\]|\\\\.)*\"\\s*\\+?\\s*)+),");
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(\\d)}");

    @Test
    void everyParameterisedLogPatternLogsItsParametersAndItsApostrophes() {
        List<String> patterns = parameterisedPatterns();
        assertThat(patterns).as("the scan finds the patterns it checks").hasSizeGreaterThan(20);
        for (String pattern : patterns) {
            Object[] params = {"P0", "P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8", "P9"};
            String meant = PLACEHOLDER.matcher(pattern.replace("''", "'")).replaceAll("P$1");
            assertThat(MessageFormat.format(pattern, params)).as(pattern).isEqualTo(meant);
        }
    }

    private static List<String> parameterisedPatterns() {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("..").toAbsolutePath().normalize())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")
                    && f.toString().contains("/src/main/java/") && !f.toString().contains("/target/")).toList()) {
                Matcher call = LOG_CALL.matcher(Files.readString(file));
                while (call.find()) {
                    StringBuilder text = new StringBuilder();
                    Matcher literal = LITERAL.matcher(call.group(1));
                    while (literal.find()) {
                        text.append(literal.group(1));
                    }
                    if (PLACEHOLDER.matcher(text).find()) {
                        found.add(text.toString());
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }
}
