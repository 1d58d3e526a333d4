package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Probes ask the port the service listens on: every probe names a port the container declares,
 * that port is the one the service's own port variable sets (LONGWATCH_METRICS_PORT or
 * LONGWATCH_HTTP_PORT), liveness asks /healthz and readiness /readyz, the scrape annotation names
 * the same port, and the Service and Ingress reach ports that exist.
 */
class PortsCrossCheckTest {
    static final List<Chart.Values> VALUES = Chart.ALL_VALUES;

    /** Image -> the variable that sets its endpoints' port. */
    private static final Map<String, String> PORT_VARIABLE = Map.of(
            "ingest", "LONGWATCH_METRICS_PORT",
            "encoder", "LONGWATCH_METRICS_PORT",
            "encoder-gpu", "LONGWATCH_METRICS_PORT",
            "query", "LONGWATCH_HTTP_PORT");

    @ParameterizedTest
    @FieldSource("VALUES")
    void shouldProbeThePortTheServiceListensOn(Chart.Values values) {
        TypedDocuments documents = TypedDocuments.of(Chart.render(values));
        documents.workloads().forEach(workload -> {
            for (Container container : workload.containers()) {
                String image = ServiceEnvironments.imageName(container.getImage());
                int listens = container.getEnv().stream()
                        .filter(e -> e.getName().equals(PORT_VARIABLE.get(image)))
                        .map(EnvVar::getValue)
                        .map(Integer::parseInt)
                        .findFirst()
                        .orElseThrow(() -> new AssertionError(workload.name() + " sets no " + PORT_VARIABLE.get(image)));
                String what = workload.name() + "/" + container.getName();
                assertThat(port(container, container.getLivenessProbe())).as(what + " liveness").isEqualTo(listens);
                assertThat(port(container, container.getReadinessProbe())).as(what + " readiness").isEqualTo(listens);
                assertThat(port(container, container.getStartupProbe())).as(what + " startup").isEqualTo(listens);
                assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz");
                assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
                assertThat(workload.template().getMetadata().getAnnotations())
                        .containsEntry("prometheus.io/port", Integer.toString(listens));
            }
        });

        Service query = documents.of(Service.class).get(0);
        List<String> queryPorts = documents.workloads()
                .filter(w -> w.name().endsWith("-query"))
                .flatMap(w -> w.containers().stream())
                .flatMap(c -> c.getPorts().stream())
                .map(ContainerPort::getName)
                .toList();
        for (ServicePort port : query.getSpec().getPorts()) {
            assertThat(queryPorts).contains(port.getTargetPort().getStrVal());
        }
        for (Ingress ingress : documents.of(Ingress.class)) {
            ingress.getSpec().getRules().forEach(rule -> rule.getHttp().getPaths().forEach(path -> {
                assertThat(path.getBackend().getService().getName()).isEqualTo(query.getMetadata().getName());
                assertThat(query.getSpec().getPorts()).extracting(ServicePort::getName)
                        .contains(path.getBackend().getService().getPort().getName());
            }));
        }

        FlinkDeployment memory = documents.of(FlinkDeployment.class).get(0);
        String reporterPort = memory.getSpec().getFlinkConfiguration().get("metrics.reporter.prom.port");
        assertThat(memory.getSpec().getPodTemplate().getSpec().getContainers().get(0).getPorts())
                .extracting(ContainerPort::getContainerPort)
                .contains(Integer.parseInt(reporterPort));
    }

    /** The number of the port a probe asks: given as a number, or by a name the container declares. */
    private static int port(Container container, Probe probe) {
        assertThat(probe).as(container.getName() + " has the probe").isNotNull();
        IntOrString port = probe.getHttpGet().getPort();
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        Optional<ContainerPort> named = container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .findFirst();
        assertThat(named).as("%s declares the port %s its probe names", container.getName(), port.getStrVal()).isPresent();
        return named.get().getContainerPort();
    }
}
