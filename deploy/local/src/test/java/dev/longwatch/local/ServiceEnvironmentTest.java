package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * One configuration for every way of running: every environment variable a separate service
 * reads (found in the services' main sources, so a new one cannot be missed) is honoured by
 * {@code up}, set by one of its flags, or listed with the reason it does not apply, and {@code up
 * --help} shows each with its default.
 */
class ServiceEnvironmentTest {
    private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    private static final List<String> SERVICE_SOURCES = List.of(
            "schema", "service-endpoints", "ingest", "encoder-worker/encoder-core", "query-service", "memory");
    private static final Pattern VARIABLE = Pattern.compile("\"(LONGWATCH_[A-Z0-9_]*)");

    @Test
    void shouldTreatEveryVariableTheServicesReadInUp() throws IOException {
        Set<String> read = variablesReadByTheServices();
        Set<String> listed = ServiceEnvironment.ALL.stream()
                .map(ServiceEnvironment.Variable::name)
                .collect(Collectors.toCollection(TreeSet::new));

        assertThat(read).as("variables the services read").hasSizeGreaterThan(30);
        assertThat(listed).containsAll(read);
    }

    @Test
    void shouldShowEveryVariableWithItsDefaultInTheHelpOfUp() {
        String help = helpOf("up");
        for (ServiceEnvironment.Variable variable : ServiceEnvironment.ALL) {
            assertThat(help).contains(variable.name()).contains("(default: " + variable.defaultValue().get() + ")");
        }
        assertThat(help).contains("--port", "(default: 8080)");
    }

    @Test
    void shouldShowTheDefaultOfEveryOptionOfEveryCommand() {
        CommandLine cli = LongwatchCli.commandLine();
        cli.getSubcommands().forEach((name, command) -> command.getCommandSpec().options().stream()
                .filter(option -> !option.usageHelp() && !option.versionHelp() && !option.required())
                .filter(option -> option.type() != boolean.class && option.type() != Boolean.class)
                .forEach(option -> assertThat(String.join(" ", option.description()))
                        .as("%s %s", name, option.longestName())
                        .containsPattern("\\(default: [^)]+\\)")));
    }

    @Test
    void shouldAnswerHelpOnEveryCommandThatRunsHere() {
        for (String command : List.of("demo", "up", "ingest", "ask", "subscribe")) {
            CommandLine cli = LongwatchCli.commandLine();
            cli.setOut(new PrintWriter(new StringWriter()));
            assertThat(cli.execute(command, "--help")).as(command).isZero();
        }
    }

    private static String helpOf(String command) {
        StringWriter out = new StringWriter();
        CommandLine cli = LongwatchCli.commandLine();
        cli.getSubcommands().get(command).usage(new PrintWriter(out), CommandLine.Help.Ansi.OFF);
        return out.toString();
    }

    private static Set<String> variablesReadByTheServices() throws IOException {
        Set<String> variables = new TreeSet<>();
        for (String module : SERVICE_SOURCES) {
            try (Stream<Path> files = Files.walk(ROOT.resolve(module).resolve("src/main/java"))) {
                for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".java"))::iterator) {
                    Matcher matcher = VARIABLE.matcher(Files.readString(file));
                    while (matcher.find()) {
                        String name = matcher.group(1);
                        variables.add(name.endsWith("_") ? name + "*" : name);
                    }
                }
            }
        }
        return variables;
    }
}
