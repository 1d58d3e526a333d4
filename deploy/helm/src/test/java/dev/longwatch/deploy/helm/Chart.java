package dev.longwatch.deploy.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.TemplateCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chart under test, rendered by Helm itself (helm-java runs Helm's own code from a Maven jar).
 * Renders are cached per values file: Helm takes a second or two each time.
 */
final class Chart {
    static final Path DIR = Path.of(System.getProperty("longwatch.chart", "longwatch")).toAbsolutePath().normalize();
    static final Path DEPLOY = Path.of(System.getProperty("longwatch.deploy", "..")).toAbsolutePath().normalize();
    static final Path ROOT = Path.of(System.getProperty("longwatch.root", "../..")).toAbsolutePath().normalize();
    /** Default values, and the GPU + autoscaling values of deploy/helm/ci. */
    static final Values DEFAULTS = new Values("defaults", null);
    static final Values GPU_AUTOSCALING = new Values("gpu-autoscaling", DEPLOY.resolve("helm/ci/gpu-autoscaling-values.yaml"));
    static final List<Values> ALL_VALUES = List.of(DEFAULTS, GPU_AUTOSCALING);

    static final String RELEASE = "lw";
    static final String NAMESPACE = "video";

    private static final ObjectMapper YAML = new YAMLMapper();
    private static final Map<Values, List<JsonNode>> RENDERED = new ConcurrentHashMap<>();

    /** A values file to render with; {@code file == null} means the chart's defaults. */
    record Values(String name, Path file) {
        @Override
        public String toString() {
            return name;
        }

        /** The values as Helm merges them: the chart's values.yaml, then this file on top. */
        JsonNode merged() {
            JsonNode base = read(DIR.resolve("values.yaml"));
            return file == null ? base : merge(base.deepCopy(), read(file));
        }
    }

    private Chart() {}

    static Helm helm() {
        return new Helm(DIR);
    }

    /** Every document {@code helm template} renders with {@code values}, as YAML trees. */
    static List<JsonNode> render(Values values) {
        return RENDERED.computeIfAbsent(values, v -> {
            TemplateCommand template = helm().template().withName(RELEASE).withNamespace(NAMESPACE);
            if (v.file() != null) {
                template = template.withValuesFile(v.file());
            }
            return documents(template.call());
        });
    }

    static List<JsonNode> documents(String multiDocumentYaml) {
        List<JsonNode> documents = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(multiDocumentYaml)) {
            for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                JsonNode document = it.next();
                if (document != null && !(document instanceof NullNode) && !document.isEmpty()) {
                    documents.add(document);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return documents;
    }

    static JsonNode read(Path yaml) {
        try {
            return YAML.readTree(yaml.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Helm's merge of values: maps merge key by key, anything else is replaced. */
    private static JsonNode merge(JsonNode base, JsonNode over) {
        if (base.isObject() && over.isObject()) {
            over.fields().forEachRemaining(e -> ((com.fasterxml.jackson.databind.node.ObjectNode) base)
                    .set(e.getKey(), base.has(e.getKey()) ? merge(base.get(e.getKey()), e.getValue()) : e.getValue()));
            return base;
        }
        return over;
    }
}
