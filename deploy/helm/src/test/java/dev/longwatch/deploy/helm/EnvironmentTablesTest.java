package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each service's README has one table of its environment variables, one row per variable, and it
 * lists exactly the variables the service reads: a setting added in code without a documented
 * default (or a row left behind for a setting removed) fails here.
 */
class EnvironmentTablesTest {
    /** A table row naming one variable: "| `LONGWATCH_X` | default | meaning |". */
    private static final Pattern ROW = Pattern.compile("(?m)^\\| `([A-Z][A-Z0-9_]*)` \\|");

    @ParameterizedTest
    @CsvSource({"ingest, ingest/README.md", "encoder, encoder-worker/README.md", "query, query-service/README.md"})
    void shouldDocumentEveryVariableTheServiceReads(String image, String readme) throws IOException {
        String text = Files.readString(Chart.ROOT.resolve(readme));
        int table = text.indexOf("## Environment variables");
        assertThat(table).as(readme + " has a section \"## Environment variables\"").isNotNegative();
        int end = text.indexOf("\n## ", table + 1);
        Matcher row = ROW.matcher(text.substring(table, end < 0 ? text.length() : end));
        Set<String> documented = new TreeSet<>();
        while (row.find()) {
            assertThat(documented.add(row.group(1))).as(readme + ": " + row.group(1) + " listed twice").isTrue();
        }
        assertThat(documented).as(readme).isEqualTo(ServiceEnvironments.BY_IMAGE.get(image));
    }
}
