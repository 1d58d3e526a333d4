package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;
import org.junit.jupiter.api.Test;

/**
 * Every environment variable the chart, the compose file or an image sets is one its service
 * reads, and every option the memory job is given is one it has: a misspelt or retired name is
 * an error here, not a setting silently ignored in production.
 */
class EnvironmentCrossCheckTest {
    static final List<Chart.Values> VALUES = Chart.ALL_VALUES;

    @ParameterizedTest
    @FieldSource("VALUES")
    void shouldSetOnlyVariablesEachServiceReadsInTheChart(Chart.Values values) {
        TypedDocuments documents = TypedDocuments.of(Chart.render(values));
        List<String> checked = new ArrayList<>();
        documents.workloads().forEach(workload -> {
            for (Container container : workload.containers()) {
                String image = ServiceEnvironments.imageName(container.getImage());
                List<String> names = container.getEnv().stream().map(EnvVar::getName).toList();
                assertThat(names)
                        .as("%s (%s): every variable is one the service reads", workload.name(), image)
                        .isSubsetOf(ServiceEnvironments.allowed(image))
                        .doesNotHaveDuplicates();
                checked.add(image);
            }
        });
        assertThat(checked).contains("ingest", "query").containsAnyOf("encoder", "encoder-gpu");
    }

    @ParameterizedTest
    @FieldSource("VALUES")
    void shouldGiveTheMemoryJobOnlyOptionsItHas(Chart.Values values) {
        FlinkDeployment memory = TypedDocuments.of(Chart.render(values)).of(FlinkDeployment.class).get(0);
        assertThat(optionKeys(List.of(memory.getSpec().getJob().getArgs())))
                .isNotEmpty()
                .isSubsetOf(ServiceEnvironments.memoryJobOptions());
    }

    @Test
    void shouldSetOnlyVariablesEachServiceReadsInTheComposeFile() {
        JsonNode services = Chart.read(Chart.DEPLOY.resolve("compose/compose.yaml")).path("services");
        Map<String, String> imageOf = Map.of("topics", "topics", "ingest", "ingest", "encoder", "encoder", "query", "query");
        imageOf.forEach((service, image) -> {
            JsonNode environment = services.path(service).path("environment");
            List<String> names = new ArrayList<>();
            if (environment.isArray()) {
                environment.forEach(entry -> names.add(entry.asText().split("=", 2)[0]));
            } else {
                environment.fieldNames().forEachRemaining(names::add);
            }
            assertThat(names).as("compose service %s", service).isNotEmpty().isSubsetOf(ServiceEnvironments.allowed(image));
        });
        List<String> jobArguments = new ArrayList<>();
        services.path("jobmanager").path("command").forEach(argument -> jobArguments.add(argument.asText()));
        assertThat(optionKeys(jobArguments.subList(jobArguments.indexOf("--job-id") + 2, jobArguments.size())))
                .isNotEmpty()
                .isSubsetOf(ServiceEnvironments.memoryJobOptions());
    }

    @Test
    void shouldSetOnlyVariablesEachServiceReadsInTheImages() throws IOException {
        for (String image : ServiceEnvironments.BY_IMAGE.keySet()) {
            Path containerfile = Chart.DEPLOY.resolve("images/" + image + ".Containerfile");
            assertThat(envInstructions(Files.readString(containerfile)).keySet())
                    .as(containerfile.toString())
                    .isSubsetOf(ServiceEnvironments.allowed(image));
        }
    }

    /** "--key value" pairs -> the keys. */
    private static List<String> optionKeys(List<String> arguments) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < arguments.size(); i += 2) {
            assertThat(arguments.get(i)).as("argument %d of %s", i, arguments).startsWith("--");
            keys.add(arguments.get(i).substring(2));
        }
        return keys;
    }

    /** The NAME=value pairs of a Containerfile's ENV instructions (continuation lines joined). */
    static Map<String, String> envInstructions(String containerfile) {
        Map<String, String> env = new TreeMap<>();
        Matcher instruction = Pattern.compile("(?m)^ENV\\s+((?:.*\\\\\\n)*.*)$").matcher(containerfile);
        while (instruction.find()) {
            Matcher pair = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S+)")
                    .matcher(instruction.group(1).replace("\\\n", " "));
            while (pair.find()) {
                env.put(pair.group(1), pair.group(2));
            }
        }
        return env;
    }
}
