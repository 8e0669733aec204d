package org.vpsrecovery.bootstrap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The settings the README and docs show an operator are copied as they are into a properties file, which
 * {@link Properties#load} reads: a '#' starts a comment only at the start of a line, so a comment after a value
 * becomes part of the value (a JWT role claim named "vpsr_role       # required in every token" refused every JWT).
 */
class DocumentedSettingsExamplesTest {

    private static final Pattern PROPERTIES_BLOCK = Pattern.compile("```properties\\n(.*?)```", Pattern.DOTALL);

    @Test
    void noDocumentedSettingCarriesACommentInItsValue() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        int settings = 0;
        List<String> commented = new ArrayList<>();
        for (Path document : documents) {
            Matcher block = PROPERTIES_BLOCK.matcher(Files.readString(document));
            while (block.find()) {
                Properties properties = new Properties();
                properties.load(new StringReader(block.group(1)));
                for (String key : properties.stringPropertyNames()) {
                    settings++;
                    if (properties.getProperty(key).contains("#")) {
                        commented.add(document.getFileName() + ": " + key + "=" + properties.getProperty(key));
                    }
                }
            }
        }
        assertThat(settings).as("the README's properties examples are read").isGreaterThan(20);
        assertThat(commented).as("settings whose value holds a comment").isEmpty();
    }
}
