package dev.longwatch.local;

import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.config.TenantLimits;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The query service's API settings as {@code up} flags. Each one is the environment variable the
 * separate service reads, written into the environment the stack's services read ({@link
 * LocalStackSettings#environment}), so {@code up} and {@code QueryService} have one configuration
 * and one parser ({@link QueryServiceSettings#fromEnv}, which also checks the values); a flag
 * that is not given leaves the variable as the environment has it.
 */
final class ApiOptions {
    @Option(names = "--host",
            description = "interface the HTTP API listens on; without tokens only a loopback address is allowed"
                    + " (default: " + QueryServiceSettings.DEFAULT_HOST + ", or env LONGWATCH_HTTP_HOST)")
    String host;

    @Option(names = "--api-tokens", paramLabel = "SPEC",
            description = "bearer tokens and the streams each may see, 'tokenA=cam-*,lobby;tokenB=*' (tokens of 8+ characters);"
                    + " prefer --api-tokens-file, a flag shows in ps (default: none = an open API on loopback only, or env"
                    + " LONGWATCH_API_TOKENS or LONGWATCH_API_TOKENS_FILE)")
    String tokens;

    @Option(names = "--api-tokens-file", paramLabel = "FILE",
            description = "a file with the same token=scope entries, one per line or ';'-separated, '#' comments"
                    + " (default: none, or env LONGWATCH_API_TOKENS_FILE)")
    Path tokensFile;

    @Option(names = "--allowed-host", paramLabel = "NAME[:PORT]",
            description = "another host name the open API answers to, besides its bind address, localhost, 127.0.0.1"
                    + " and [::1] on its port; repeatable (default: none, or env LONGWATCH_ALLOWED_HOSTS, comma-separated)")
    List<String> allowedHosts;

    @Option(names = "--max-streams",
            description = "streams per tenant (token, or everyone on an open API); beyond, 429 (default: "
                    + TenantLimits.DEFAULT_STREAMS + ", or env LONGWATCH_TENANT_MAX_STREAMS)")
    Integer maxStreams;

    @Option(names = "--max-subscriptions",
            description = "standing questions per tenant (default: " + TenantLimits.DEFAULT_SUBSCRIPTIONS
                    + ", or env LONGWATCH_TENANT_MAX_SUBSCRIPTIONS)")
    Integer maxSubscriptions;

    @Option(names = "--max-event-streams",
            description = "open SSE connections per tenant (default: " + TenantLimits.DEFAULT_EVENT_STREAMS
                    + ", or env LONGWATCH_TENANT_MAX_EVENT_STREAMS)")
    Integer maxEventStreams;

    @Option(names = "--max-asks",
            description = "asks in progress per tenant (default: " + TenantLimits.DEFAULT_ASKS
                    + ", or env LONGWATCH_TENANT_MAX_ASKS)")
    Integer maxAsks;

    /** {@code environment} with the variables the flags set; the flags win. */
    Map<String, String> over(Map<String, String> environment) {
        if (tokens != null && tokensFile != null) {
            throw new IllegalArgumentException("give --api-tokens or --api-tokens-file, not both");
        }
        Map<String, String> out = new HashMap<>(environment);
        putGiven(out, QueryServiceSettings.ENV_HOST, host);
        putGiven(out, TenantLimits.ENV_STREAMS, maxStreams);
        putGiven(out, TenantLimits.ENV_SUBSCRIPTIONS, maxSubscriptions);
        putGiven(out, TenantLimits.ENV_EVENT_STREAMS, maxEventStreams);
        putGiven(out, TenantLimits.ENV_ASKS, maxAsks);
        // A token flag replaces whichever token variable the environment has: the service refuses both.
        if (tokens != null) {
            out.remove(QueryServiceSettings.ENV_API_TOKENS_FILE);
            out.put(ApiTokens.ENV, tokens);
        } else if (tokensFile != null) {
            out.remove(ApiTokens.ENV);
            out.put(QueryServiceSettings.ENV_API_TOKENS_FILE, tokensFile.toString());
        }
        if (allowedHosts != null && !allowedHosts.isEmpty()) {
            out.put(AllowedHosts.ENV, String.join(",", allowedHosts));
        }
        return out;
    }

    private static void putGiven(Map<String, String> environment, String variable, Object flag) {
        if (flag != null) {
            environment.put(variable, flag.toString());
        }
    }
}
