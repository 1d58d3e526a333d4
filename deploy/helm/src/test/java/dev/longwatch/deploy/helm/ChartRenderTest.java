package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longwatch.encoder.EncoderSettings;
import dev.longwatch.query.config.TenantLimits;
import dev.longwatch.schema.Topics;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.nodepool.ProcessRoles;
import java.util.List;
import java.util.Map;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.api.Test;

/** What the chart renders with its defaults and with GPU encoders, KEDA and the Flink autoscaler. */
class ChartRenderTest {
    @Test
    void shouldRenderTheWholeStackWithTheDefaults() {
        List<JsonNode> rendered = Chart.render(Chart.DEFAULTS);
        TypedDocuments documents = TypedDocuments.of(rendered);

        assertThat(documents.of(Kafka.class)).hasSize(1);
        KafkaNodePool pool = documents.of(KafkaNodePool.class).get(0);
        assertThat(pool.getSpec().getRoles()).containsExactlyInAnyOrder(ProcessRoles.CONTROLLER, ProcessRoles.BROKER);
        assertThat(pool.getSpec().getReplicas()).isEqualTo(3);
        assertThat(names(documents.of(Deployment.class))).containsExactlyInAnyOrder("lw-longwatch-ingest", "lw-longwatch-query");
        assertThat(names(documents.of(StatefulSet.class))).containsExactly("lw-longwatch-encoder-cpu");
        assertThat(names(documents.of(PodDisruptionBudget.class)))
                .containsExactlyInAnyOrder("lw-longwatch-ingest", "lw-longwatch-query", "lw-longwatch-encoder-cpu");
        assertThat(documents.of(Ingress.class)).isEmpty();
        assertThat(documents.scaledObjects()).isEmpty();
        // Tokens are generated when none are given: the API never listens unauthenticated.
        Secret auth = documents.of(Secret.class).get(0);
        assertThat(auth.getStringData().get("api-tokens")).matches("[A-Za-z0-9]{32}=\\*");
        // The per-tenant limits are the service's own defaults, set where an operator sees them.
        Container query = documents.of(Deployment.class).stream()
                .filter(d -> d.getMetadata().getName().equals("lw-longwatch-query")).findFirst().orElseThrow()
                .getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(query.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo(TenantLimits.ENV_STREAMS);
            assertThat(env.getValue()).isEqualTo(Integer.toString(TenantLimits.DEFAULT_STREAMS));
        });
        assertThat(query.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo(TenantLimits.ENV_ASKS);
            assertThat(env.getValue()).isEqualTo(Integer.toString(TenantLimits.DEFAULT_ASKS));
        });

        FlinkDeployment memory = documents.of(FlinkDeployment.class).get(0);
        Map<String, String> conf = memory.getSpec().getFlinkConfiguration();
        assertThat(memory.getSpec().getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(memory.getSpec().getJob().getJarURI()).isEqualTo("local:///opt/flink/usrlib/longwatch-memory-job.jar");
        assertThat(memory.getSpec().getJob().getEntryClass()).isEqualTo("dev.longwatch.memory.job.MemoryJob");
        assertThat(conf).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.dir", "s3://longwatch/flink/checkpoints")
                .containsEntry("execution.checkpointing.savepoint-dir", "s3://longwatch/flink/savepoints")
                .containsEntry("high-availability.type", "kubernetes")
                .containsEntry("job.autoscaler.enabled", "false");
        // Checked as text: the operator API model to be had here stops at v1_20 (TypedDocuments).
        assertThat(flinkVersion(rendered)).isEqualTo("v2_2");
    }

    @Test
    void shouldRenderGpuEncodersScaledByKedaOnTheirLag() {
        List<JsonNode> rendered = Chart.render(Chart.GPU_AUTOSCALING);
        TypedDocuments documents = TypedDocuments.of(rendered);

        assertThat(names(documents.of(StatefulSet.class))).containsExactly("lw-longwatch-encoder-gpu");
        StatefulSet gpu = documents.of(StatefulSet.class).get(0);
        assertThat(gpu.getSpec().getReplicas()).as("KEDA owns the replica count").isNull();
        assertThat(gpu.getSpec().getTemplate().getSpec().getNodeSelector()).containsEntry("nvidia.com/gpu.present", "true");
        assertThat(gpu.getSpec().getTemplate().getSpec().getTolerations()).extracting("key").contains("nvidia.com/gpu");
        Container encoder = gpu.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(encoder.getImage()).isEqualTo("registry.example.com/video/longwatch/encoder-gpu:0.1.0");
        assertThat(encoder.getResources().getLimits()).containsEntry("nvidia.com/gpu", new Quantity("1"));
        assertThat(encoder.getEnv()).anySatisfy(env -> {
            assertThat(env.getName()).isEqualTo("LONGWATCH_ENCODER_BACKEND");
            assertThat(env.getValue()).isEqualTo("tensorrt");
        });

        GenericKubernetesResource scaler = documents.scaledObjects().get(0);
        Map<String, Object> spec = scaler.get("spec");
        assertThat(scaler.<String>get("spec", "scaleTargetRef", "name")).isEqualTo(gpu.getMetadata().getName());
        assertThat(scaler.<String>get("spec", "scaleTargetRef", "kind")).isEqualTo("StatefulSet");
        assertThat(spec).containsEntry("minReplicaCount", 1).containsEntry("maxReplicaCount", 8);
        Map<String, Object> trigger = scaler.<List<Map<String, Object>>>get("spec", "triggers").get(0);
        assertThat(trigger).containsEntry("type", "kafka");
        assertThat((Map<String, Object>) trigger.get("metadata"))
                .containsEntry("topic", Topics.FRAMES.name())
                .containsEntry("consumerGroup", EncoderSettings.defaults("unused").groupId())
                .containsEntry("lagThreshold", "64")
                .containsEntry("bootstrapServers", "lw-longwatch-kafka-kafka-bootstrap:9092");

        FlinkDeployment memory = documents.of(FlinkDeployment.class).get(0);
        assertThat(memory.getSpec().getFlinkConfiguration()).containsEntry("job.autoscaler.enabled", "true");
        assertThat(memory.getSpec().getJob().getParallelism()).isEqualTo(4);
        assertThat(memory.getSpec().getJob().getArgs()).containsSubsequence("--memory.bank.slots", "20");
        Ingress ingress = documents.of(Ingress.class).get(0);
        assertThat(ingress.getSpec().getTls().get(0).getSecretName()).isEqualTo("longwatch-tls");
        assertThat(names(documents.of(Secret.class))).containsExactlyInAnyOrder("lw-longwatch-auth", "lw-longwatch-llm");
        assertThat(names(documents.of(PodDisruptionBudget.class)))
                .containsExactlyInAnyOrder("lw-longwatch-ingest", "lw-longwatch-query", "lw-longwatch-encoder-gpu");
    }

    private static List<String> names(List<? extends HasMetadata> resources) {
        return resources.stream().map(r -> r.getMetadata().getName()).toList();
    }

    private static String flinkVersion(List<JsonNode> rendered) {
        return rendered.stream()
                .filter(d -> d.path("kind").asText().equals("FlinkDeployment"))
                .findFirst()
                .orElseThrow()
                .path("spec").path("flinkVersion").asText();
    }
}
