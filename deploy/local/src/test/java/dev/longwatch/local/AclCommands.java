package dev.longwatch.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The {@code kafka-acls.sh} lines of the README's Kafka security section, read as the ACL
 * bindings they add: the test grants the services exactly what operators are told to grant.
 * Each line is {@code acls --allow-principal P --operation O... (--topic|--group|--transactional-id
 * NAME)... [--resource-pattern-type prefixed]}, every operation on every resource named.
 */
final class AclCommands {
    private static final String LINE_START = "acls --allow-principal ";

    private AclCommands() {}

    static List<AclBinding> fromReadme(Path readme) throws IOException {
        List<AclBinding> bindings = new ArrayList<>();
        for (String line : Files.readAllLines(readme)) {
            if (line.startsWith(LINE_START)) {
                bindings.addAll(parse(line));
            }
        }
        return bindings;
    }

    static List<AclBinding> parse(String line) {
        String[] words = line.strip().split("\\s+");
        String principal = null;
        PatternType patternType = PatternType.LITERAL;
        List<AclOperation> operations = new ArrayList<>();
        List<String[]> resources = new ArrayList<>();
        for (int i = 1; i < words.length; i += 2) {
            String value = words[i + 1];
            switch (words[i]) {
                case "--allow-principal" -> principal = value;
                case "--operation" -> operations.add(known(AclOperation.fromString(value.toUpperCase(Locale.ROOT)), line));
                case "--topic", "--group", "--transactional-id" -> resources.add(new String[] {words[i], value});
                case "--resource-pattern-type" -> patternType = known(PatternType.fromString(value.toUpperCase(Locale.ROOT)), line);
                default -> throw new IllegalArgumentException("unknown option " + words[i] + " in: " + line);
            }
        }
        if (principal == null || operations.isEmpty() || resources.isEmpty()) {
            throw new IllegalArgumentException("needs a principal, an operation and a resource: " + line);
        }
        List<AclBinding> bindings = new ArrayList<>();
        for (String[] resource : resources) {
            ResourceType type = known(
                    ResourceType.fromString(resource[0].substring(2).replace("-", "_").toUpperCase(Locale.ROOT)), line);
            for (AclOperation operation : operations) {
                bindings.add(new AclBinding(
                        new ResourcePattern(type, resource[1], patternType),
                        new AccessControlEntry(principal, "*", operation, AclPermissionType.ALLOW)));
            }
        }
        return bindings;
    }

    /** Kafka reads an unknown name as UNKNOWN, which the broker refuses without saying where. */
    private static <E extends Enum<E>> E known(E value, String line) {
        if ("UNKNOWN".equals(value.name())) {
            throw new IllegalArgumentException("unknown operation, resource or pattern type in: " + line);
        }
        return value;
    }
}
