package dev.longwatch.query.http;

import dev.longwatch.query.auth.AllowedHosts;
import dev.longwatch.query.auth.ApiTokens;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * An open API (no tokens) trusts whoever can connect to loopback; a browser can be made to
 * connect there on behalf of any web site. So an open API answers only requests whose {@code
 * Host} is one of its own names (a DNS-rebinding page sends its own host name) and whose {@code
 * Origin}, when a browser sends one, is a page of this service (a cross-site {@code fetch} or
 * form sends the foreign site). Every path is guarded, the web page and metrics included. With
 * tokens, the bearer token is the defence: a foreign page cannot know it.
 *
 * <p>A request without {@code Host} (HTTP/1.0) is not from a browser and passes.
 */
final class SameOriginFilter {
    private final ApiTokens tokens;
    private final AllowedHosts hosts;

    SameOriginFilter(ApiTokens tokens, AllowedHosts hosts) {
        this.tokens = tokens;
        this.hosts = hosts;
    }

    void routing(RoutesConfig routes) {
        routes.before(this::check);
    }

    private void check(Context ctx) {
        if (!tokens.open()) {
            return;
        }
        int port = ctx.req().getLocalPort();
        String host = ctx.header("Host");
        if (host != null && !hosts.allowsHost(host, port)) {
            throw new ApiException(
                    403,
                    "host_not_allowed",
                    "this API has no tokens and answers only to its own host names; add the name to "
                            + AllowedHosts.ENV + " if it is one");
        }
        String origin = ctx.header("Origin");
        if (origin != null && !hosts.allowsOrigin(origin, port)) {
            throw new ApiException(
                    403,
                    "origin_not_allowed",
                    "this API has no tokens and answers no cross-site requests; add the page's host to "
                            + AllowedHosts.ENV + " if it is this service");
        }
    }
}
