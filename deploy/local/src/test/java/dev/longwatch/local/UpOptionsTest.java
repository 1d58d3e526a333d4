package dev.longwatch.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.config.TenantLimits;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code up}'s API flags: listed with their defaults, and written over the environment the
 * services read, so the query service parses them as it parses its own environment.
 */
class UpOptionsTest {

    private static UpCommand parse(String... args) {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs(args);
        return up;
    }

    @Test
    void shouldListTheApiSettingsWithTheirDefaultsInHelp() {
        StringWriter help = new StringWriter();
        LongwatchCli.commandLine().setOut(new PrintWriter(help)).execute("up", "--help");

        // Words as printed, whatever picocli's line wrapping.
        assertThat(help.toString().replaceAll("\\s+", " "))
                .contains("--host", "default: 127.0.0.1", "LONGWATCH_HTTP_HOST")
                .contains("--api-tokens", "LONGWATCH_API_TOKENS", "--api-tokens-file", "LONGWATCH_API_TOKENS_FILE")
                .contains("--allowed-host", "LONGWATCH_ALLOWED_HOSTS")
                .contains("--max-streams", "default: " + TenantLimits.DEFAULT_STREAMS)
                .contains("--max-subscriptions", "default: " + TenantLimits.DEFAULT_SUBSCRIPTIONS)
                .contains("--max-event-streams", "default: " + TenantLimits.DEFAULT_EVENT_STREAMS)
                .contains("--max-asks", "default: " + TenantLimits.DEFAULT_ASKS);
    }

    @Test
    void shouldApplyTokensFromAFileHostsAndLimits(@TempDir Path dir) throws Exception {
        Path tokens = Files.writeString(dir.resolve("tokens"), "# lab\nlabToken123=cam-*\n\nopsToken456=*\n");
        UpCommand up = parse("--api-tokens-file", tokens.toString(), "--allowed-host", "lw.lan,proxy.lan:443",
                "--max-streams", "7", "--max-asks", "2");

        QueryServiceSettings settings = QueryServiceSettings.fromEnv(up.apiOptions.over(Map.of()));

        assertThat(settings.tokens().size()).isEqualTo(2);
        assertThat(settings.tokens().scopeOf("labToken123")).isPresent();
        assertThat(settings.allowedHosts()).containsExactly("lw.lan", "proxy.lan:443");
        assertThat(settings.limits()).isEqualTo(new TenantLimits(7, TenantLimits.DEFAULT_SUBSCRIPTIONS, TenantLimits.DEFAULT_EVENT_STREAMS, 2));
        assertThat(settings.bindHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldKeepTheEnvironmentsTokensWithoutFlagsReplaceThemWithAFlagAndRefuseTwoFlags(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("t"), "fileToken1=*");
        Map<String, String> environment = Map.of(ApiTokens.ENV, "envToken12=*;envToken34=cam-*");

        assertThat(QueryServiceSettings.fromEnv(parse().apiOptions.over(environment)).tokens().scopeOf("envToken12"))
                .isPresent();
        ApiTokens fromFile =
                QueryServiceSettings.fromEnv(parse("--api-tokens-file", file.toString()).apiOptions.over(environment))
                        .tokens();
        assertThat(fromFile.scopeOf("fileToken1")).isPresent();
        assertThat(fromFile.scopeOf("envToken12")).isEmpty();
        assertThatThrownBy(() -> parse("--api-tokens", "flagToken1=*", "--api-tokens-file", file.toString())
                        .apiOptions.over(environment))
                .hasMessageContaining("not both");
    }

    @Test
    void shouldLeaveTheEnvironmentAsItIsWithoutFlags() {
        Map<String, String> environment =
                Map.of(TenantLimits.ENV_ASKS, "3", QueryServiceSettings.ENV_HOST, "::1", "LONGWATCH_OTHER", "x");

        assertThat(parse().apiOptions.over(environment)).isEqualTo(environment);
        assertThat(QueryServiceSettings.fromEnv(parse("--max-streams", "9").apiOptions.over(environment)).limits())
                .isEqualTo(new TenantLimits(9, TenantLimits.DEFAULT_SUBSCRIPTIONS, TenantLimits.DEFAULT_EVENT_STREAMS, 3));
    }

    @Test
    void shouldRefuseAnOpenApiOnAnAddressThatIsNotLoopbackBeforeStartingAnything(@TempDir Path dir) {
        UpCommand up = parse("--host", "0.0.0.0");

        assertThatThrownBy(() -> LocalStack.start(
                        LocalStackSettings.defaults(dir).withHttpPort(0).withEnvironment(up.apiOptions.over(Map.of()))))
                .hasMessageContaining("refusing to serve the API without authentication");
        assertThat(dir.resolve("kafka")).doesNotExist();
        assertThat(List.of(dir.toFile().list())).doesNotContain("kafka", "flink");
    }
}
