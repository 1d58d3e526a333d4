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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code up}'s API flags: listed with their defaults, and applied over the environment's settings. */
class UpOptionsTest {

    private static UpCommand parse(String... args) {
        UpCommand up = new UpCommand();
        new CommandLine(up).parseArgs(args);
        return up;
    }

    @Test
    void shouldListTheApiSettingsWithTheirDefaultsInHelp() {
        StringWriter help = new StringWriter();
        new CommandLine(new LongwatchCli()).setOut(new PrintWriter(help)).execute("up", "--help");

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

        QueryServiceSettings settings = up.apiOptions.applyTo(QueryServiceSettings.defaults("k:9092"));

        assertThat(settings.tokens().size()).isEqualTo(2);
        assertThat(settings.tokens().scopeOf("labToken123")).isPresent();
        assertThat(settings.allowedHosts()).containsExactly("lw.lan", "proxy.lan:443");
        assertThat(settings.limits()).isEqualTo(new TenantLimits(7, TenantLimits.DEFAULT_SUBSCRIPTIONS, TenantLimits.DEFAULT_EVENT_STREAMS, 2));
        assertThat(settings.bindHost()).isEqualTo("127.0.0.1");
    }

    @Test
    void shouldKeepTheEnvironmentsTokensWithoutFlagsAndRefuseTwoSources(@TempDir Path dir) throws Exception {
        QueryServiceSettings fromEnv = QueryServiceSettings.defaults("k:9092").withTokens(ApiTokens.parse("envToken12=*"));

        assertThat(parse().apiOptions.applyTo(fromEnv).tokens().size()).isEqualTo(1);
        Path file = Files.writeString(dir.resolve("t"), "fileToken1=*");
        assertThatThrownBy(() -> parse("--api-tokens", "flagToken1=*", "--api-tokens-file", file.toString())
                        .apiOptions.applyTo(fromEnv))
                .hasMessageContaining("not both");
    }

    @Test
    void shouldRefuseAnOpenApiOnAnAddressThatIsNotLoopbackBeforeStartingAnything(@TempDir Path dir) {
        UpCommand up = parse("--host", "0.0.0.0");

        assertThatThrownBy(() -> LocalStack.start(LocalStackSettings.defaults(dir).withHttpPort(0), up.apiOptions::applyTo))
                .hasMessageContaining("refusing to serve the API without authentication");
        assertThat(dir.resolve("kafka")).doesNotExist();
        assertThat(List.of(dir.toFile().list())).doesNotContain("kafka", "flink");
    }
}
