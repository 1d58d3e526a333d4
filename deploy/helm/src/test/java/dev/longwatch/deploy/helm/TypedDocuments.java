package dev.longwatch.deploy.helm;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;

/**
 * The rendered documents read into their typed models: fabric8's for Kubernetes' own kinds,
 * Strimzi's {@code io.strimzi:api} for Kafka, KafkaNodePool and KafkaTopic, the Flink Kubernetes
 * Operator's API for FlinkDeployment. Each kind must come with the apiVersion its model declares;
 * a kind without a model here fails, except KEDA's ScaledObject (KEDA publishes no Java model),
 * kept as a generic resource and checked field by field by the tests.
 *
 * <p>One field is read apart: FlinkDeployment's {@code spec.flinkVersion}. The newest operator
 * API to be had here (1.10.0, see the pom) predates Flink 2, so its {@code FlinkVersion} enum
 * stops at {@code v1_20}; the chart's {@code v2_2} is checked as text by the tests and the rest
 * of the document against the typed model.
 */
final class TypedDocuments {
    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static final Map<String, Class<? extends HasMetadata>> MODELS = Map.of(
            "Secret", Secret.class,
            "Service", Service.class,
            "Deployment", Deployment.class,
            "StatefulSet", StatefulSet.class,
            "Ingress", Ingress.class,
            "PodDisruptionBudget", PodDisruptionBudget.class,
            "Kafka", Kafka.class,
            "KafkaNodePool", KafkaNodePool.class,
            "KafkaTopic", KafkaTopic.class,
            "FlinkDeployment", FlinkDeployment.class);
    static final String SCALED_OBJECT_API = "keda.sh/v1alpha1";

    private final List<HasMetadata> all;

    private TypedDocuments(List<HasMetadata> all) {
        this.all = List.copyOf(all);
    }

    /**
     * @throws AssertionError naming the document whose kind, apiVersion or fields its model does
     *     not know
     */
    static TypedDocuments of(List<JsonNode> documents) {
        List<HasMetadata> typed = new ArrayList<>();
        for (JsonNode document : documents) {
            String kind = document.path("kind").asText();
            String apiVersion = document.path("apiVersion").asText();
            String name = kind + " " + document.path("metadata").path("name").asText();
            if (kind.equals("ScaledObject")) {
                if (!apiVersion.equals(SCALED_OBJECT_API)) {
                    throw new AssertionError(name + ": apiVersion " + apiVersion + ", KEDA's is " + SCALED_OBJECT_API);
                }
                typed.add(MAPPER.convertValue(document, GenericKubernetesResource.class));
                continue;
            }
            Class<? extends HasMetadata> model = MODELS.get(kind);
            if (model == null) {
                throw new AssertionError(name + ": no typed model for kind " + kind);
            }
            String expected = HasMetadata.getApiVersion(model);
            if (!apiVersion.equals(expected)) {
                throw new AssertionError(name + ": apiVersion " + apiVersion + ", its model's is " + expected);
            }
            HasMetadata parsed;
            try {
                JsonNode typedPart = document;
                if (model == FlinkDeployment.class) {
                    typedPart = document.deepCopy();
                    ((com.fasterxml.jackson.databind.node.ObjectNode) typedPart.path("spec")).remove("flinkVersion");
                }
                parsed = MAPPER.treeToValue(typedPart, model);
            } catch (JsonProcessingException e) {
                throw new AssertionError(name + " does not parse as " + model.getName() + ": " + e.getMessage(), e);
            }
            List<String> unknown = UnknownFields.of(parsed);
            if (!unknown.isEmpty()) {
                throw new AssertionError(name + " has fields " + model.getSimpleName() + " does not know: " + unknown);
            }
            typed.add(parsed);
        }
        return new TypedDocuments(typed);
    }

    List<HasMetadata> all() {
        return all;
    }

    <T extends HasMetadata> List<T> of(Class<T> kind) {
        return all.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    List<GenericKubernetesResource> scaledObjects() {
        return all.stream()
                .filter(GenericKubernetesResource.class::isInstance)
                .map(GenericKubernetesResource.class::cast)
                .filter(r -> r.getKind().equals("ScaledObject"))
                .toList();
    }

    /** Every pod template of the Deployments and StatefulSets, with its owner's name. */
    Stream<Workload> workloads() {
        return Stream.concat(
                of(Deployment.class).stream().map(d -> new Workload(d.getMetadata().getName(), d.getSpec().getTemplate())),
                of(StatefulSet.class).stream().map(s -> new Workload(s.getMetadata().getName(), s.getSpec().getTemplate())));
    }

    record Workload(String name, io.fabric8.kubernetes.api.model.PodTemplateSpec template) {
        List<io.fabric8.kubernetes.api.model.Container> containers() {
            return template.getSpec().getContainers();
        }
    }
}
