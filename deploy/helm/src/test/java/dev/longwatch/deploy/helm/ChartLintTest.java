package dev.longwatch.deploy.helm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.marcnuri.helm.LintResult;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Helm's own lint, strict, and values.schema.json: every key described, typos refused. */
class ChartLintTest {
    @Test
    void shouldPassHelmLintStrict() {
        LintResult result = Chart.helm().lint().strict().call();
        assertThat(result.isFailed()).as(String.join("\n", result.getMessages())).isFalse();
    }

    @Test
    void shouldDescribeEveryValueInTheSchema() throws Exception {
        Schema schema = schema();
        for (Chart.Values values : Chart.ALL_VALUES) {
            List<Error> errors = schema.validate(values.merged().toString(), InputFormat.JSON);
            assertThat(errors).as(values.name()).isEmpty();
        }
    }

    @Test
    void shouldRefuseAMisspeltValue(@TempDir Path dir) throws Exception {
        ObjectNode typo = (ObjectNode) Chart.DEFAULTS.merged();
        ((ObjectNode) typo.path("encoder")).put("replica", 3);
        assertThat(schema().validate(typo.toString(), InputFormat.JSON)).isNotEmpty();

        // Helm applies the same schema: a values file with the typo does not render.
        Path values = Files.writeString(dir.resolve("typo.yaml"), "encoder:\n  cpu:\n    replica: 3\n");
        assertThatThrownBy(() -> Chart.helm().template().withValuesFile(values).call())
                .hasMessageContaining("replica");
    }

    private static Schema schema() throws Exception {
        JsonNode schema = Chart.read(Chart.DIR.resolve("values.schema.json"));
        return SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(schema.toString(), InputFormat.JSON);
    }
}
