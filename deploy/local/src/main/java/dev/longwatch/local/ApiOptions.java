package dev.longwatch.local;

import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import dev.longwatch.query.config.ApiTokenSources;
import dev.longwatch.query.config.QueryServiceSettings;
import dev.longwatch.query.config.TenantLimits;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The query service's API settings as {@code up} flags, each defaulting to the environment
 * variable the separate service reads, so {@code up} and {@code QueryService} run on one
 * configuration. Applied on top of {@link QueryServiceSettings#fromEnv} (which already holds the
 * environment's values), so a flag only needs to override.
 */
final class ApiOptions {
    @Option(names = "--host", defaultValue = "${env:LONGWATCH_HTTP_HOST:-127.0.0.1}",
            description = "interface the HTTP API listens on; without tokens only a loopback address is allowed"
                    + " (default: ${DEFAULT-VALUE}; env LONGWATCH_HTTP_HOST)")
    String host;

    @Option(names = "--api-tokens", paramLabel = "SPEC",
            description = "bearer tokens and the streams each may see, 'tokenA=cam-*,lobby;tokenB=*' (tokens of 8+ characters);"
                    + " prefer --api-tokens-file, a flag shows in ps (default: env LONGWATCH_API_TOKENS or"
                    + " LONGWATCH_API_TOKENS_FILE; none = an open API on loopback only)")
    String tokens;

    @Option(names = "--api-tokens-file", paramLabel = "FILE",
            description = "a file with the same token=scope entries, one per line or ';'-separated, '#' comments"
                    + " (default: env LONGWATCH_API_TOKENS_FILE)")
    Path tokensFile;

    @Option(names = "--allowed-host", paramLabel = "NAME[:PORT]",
            description = "another host name the open API answers to, besides its bind address, localhost, 127.0.0.1"
                    + " and [::1] on its port; repeatable (default: env LONGWATCH_ALLOWED_HOSTS, comma-separated; none)")
    List<String> allowedHosts;

    @Option(names = "--max-streams", defaultValue = "${env:LONGWATCH_TENANT_MAX_STREAMS:-" + TenantLimits.DEFAULT_STREAMS + "}",
            description = "streams per tenant (token, or everyone on an open API); beyond, 429 (default: ${DEFAULT-VALUE};"
                    + " env LONGWATCH_TENANT_MAX_STREAMS)")
    int maxStreams;

    @Option(names = "--max-subscriptions",
            defaultValue = "${env:LONGWATCH_TENANT_MAX_SUBSCRIPTIONS:-" + TenantLimits.DEFAULT_SUBSCRIPTIONS + "}",
            description = "standing questions per tenant (default: ${DEFAULT-VALUE}; env LONGWATCH_TENANT_MAX_SUBSCRIPTIONS)")
    int maxSubscriptions;

    @Option(names = "--max-event-streams",
            defaultValue = "${env:LONGWATCH_TENANT_MAX_EVENT_STREAMS:-" + TenantLimits.DEFAULT_EVENT_STREAMS + "}",
            description = "open SSE connections per tenant (default: ${DEFAULT-VALUE}; env LONGWATCH_TENANT_MAX_EVENT_STREAMS)")
    int maxEventStreams;

    @Option(names = "--max-asks", defaultValue = "${env:LONGWATCH_TENANT_MAX_ASKS:-" + TenantLimits.DEFAULT_ASKS + "}",
            description = "asks in progress per tenant (default: ${DEFAULT-VALUE}; env LONGWATCH_TENANT_MAX_ASKS)")
    int maxAsks;

    /** {@code base} with what the flags say. */
    QueryServiceSettings applyTo(QueryServiceSettings base) {
        QueryServiceSettings out =
                base.withBindHost(host)
                        .withLimits(new TenantLimits(maxStreams, maxSubscriptions, maxEventStreams, maxAsks));
        if (tokens != null && tokensFile != null) {
            throw new IllegalArgumentException("give --api-tokens or --api-tokens-file, not both");
        }
        if (tokens != null) {
            out = out.withTokens(ApiTokens.parse(tokens));
        } else if (tokensFile != null) {
            out = out.withTokens(ApiTokens.parse(ApiTokenSources.fromFile(tokensFile)));
        }
        if (allowedHosts != null && !allowedHosts.isEmpty()) {
            out = out.withAllowedHosts(allowedHosts.stream().flatMap(h -> AllowedHosts.parseList(h).stream()).toList());
        }
        return out;
    }
}
