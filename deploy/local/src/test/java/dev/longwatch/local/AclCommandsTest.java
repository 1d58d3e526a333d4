package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

class AclCommandsTest {
    @Test
    void shouldGrantEveryOperationOnEveryResourceOfALine() {
        assertThat(AclCommands.parse(
                        "acls --allow-principal User:ingest --operation Read --operation Write --topic lw.frames --group g"))
                .containsExactly(
                        binding(ResourceType.TOPIC, "lw.frames", PatternType.LITERAL, AclOperation.READ),
                        binding(ResourceType.TOPIC, "lw.frames", PatternType.LITERAL, AclOperation.WRITE),
                        binding(ResourceType.GROUP, "g", PatternType.LITERAL, AclOperation.READ),
                        binding(ResourceType.GROUP, "g", PatternType.LITERAL, AclOperation.WRITE));
        assertThat(AclCommands.parse("acls --allow-principal User:ingest --operation Write"
                        + " --transactional-id longwatch-encoder- --resource-pattern-type prefixed"))
                .containsExactly(binding(
                        ResourceType.TRANSACTIONAL_ID, "longwatch-encoder-", PatternType.PREFIXED, AclOperation.WRITE));
    }

    @Test
    void shouldRefuseWhatKafkaWouldReadAsUnknown() {
        assertThatThrownBy(() -> AclCommands.parse("acls --allow-principal User:x --operation Reed --topic t"))
                .hasMessageContaining("Reed");
    }

    @Test
    void shouldFindEveryServicesAclsInTheReadme() throws Exception {
        assertThat(AclCommands.fromReadme(Path.of("../../README.md")))
                .extracting(binding -> binding.entry().principal())
                .contains("User:ingest", "User:encoder", "User:memory", "User:query");
    }

    private static AclBinding binding(ResourceType type, String name, PatternType pattern, AclOperation operation) {
        return new AclBinding(
                new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:ingest", "*", operation, AclPermissionType.ALLOW));
    }
}
