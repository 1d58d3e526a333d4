package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * The chart and the compose file run the images deploy/images/build.sh makes, under the names it
 * gives them ({@code build.sh --list}), and the chart's appVersion is the project's version.
 */
class ImagesCrossCheckTest {
    static final List<Chart.Values> VALUES = Chart.ALL_VALUES;

    @ParameterizedTest
    @FieldSource("VALUES")
    void shouldRunOnlyImagesTheBuildScriptMakes(Chart.Values values) throws Exception {
        JsonNode image = values.merged().path("image");
        String registry = image.path("registry").asText();
        String tag = image.path("tag").asText().isEmpty() ? appVersion() : image.path("tag").asText();
        Set<String> built = new TreeSet<>();
        for (String name : buildScriptImages()) {
            String withoutTag = name.substring(0, name.lastIndexOf(':'));
            built.add((registry.isEmpty() ? "" : registry + "/") + withoutTag + ":" + tag);
        }
        TypedDocuments documents = TypedDocuments.of(Chart.render(values));
        List<String> used = new ArrayList<>();
        documents.workloads().forEach(w -> w.containers().stream().map(Container::getImage).forEach(used::add));
        documents.of(FlinkDeployment.class).forEach(f -> used.add(f.getSpec().getImage()));
        assertThat(used).isNotEmpty().allSatisfy(reference -> assertThat(built).contains(reference));
    }

    @Test
    void shouldRunImagesTheBuildScriptMakesInTheComposeFile() throws Exception {
        Set<String> built = new TreeSet<>(buildScriptImages());
        JsonNode services = Chart.read(Chart.DEPLOY.resolve("compose/compose.yaml")).path("services");
        List<String> ours = new ArrayList<>();
        services.fields().forEachRemaining(service -> {
            String reference = withDefaults(service.getValue().path("image").asText());
            if (!service.getKey().equals("kafka")) {
                ours.add(reference);
            }
        });
        assertThat(ours).hasSize(6).allSatisfy(reference -> assertThat(built).contains(reference));
    }

    @Test
    void shouldVersionTheChartsAppLikeTheProject() throws IOException {
        String pom = Files.readString(Chart.ROOT.resolve("pom.xml"));
        Matcher version = Pattern.compile("<artifactId>longwatch-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertThat(version.find()).isTrue();
        assertThat(appVersion()).isEqualTo(version.group(1));
    }

    /** {@code build.sh --list --gpu}: every image it makes for users (no test-only base). */
    static List<String> buildScriptImages() throws IOException, InterruptedException {
        Process list = new ProcessBuilder("bash", Chart.DEPLOY.resolve("images/build.sh").toString(), "--list", "--gpu")
                .redirectErrorStream(true)
                .start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(list.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(list.exitValue()).as(out).isZero();
        return out.lines().filter(line -> !line.isBlank()).toList();
    }

    static String appVersion() {
        return Chart.read(Chart.DIR.resolve("Chart.yaml")).path("appVersion").asText();
    }

    /** Compose's ${NAME:-default} with every variable unset. */
    private static String withDefaults(String text) {
        return text.replaceAll("\\$\\{[A-Z0-9_]+:-([^}]*)}", "$1");
    }
}
