package dev.longwatch.query.http;

import dev.longwatch.query.auth.Access;
import dev.longwatch.query.auth.ApiTokens;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * Authentication in front of {@code /v1}: the bearer token of the request picks its {@link
 * Access}, which handlers read with {@link #access(Context)} to answer 403 for streams outside
 * it. Browsers cannot put headers on {@code EventSource} or {@code <img>} requests, so a GET may
 * carry the token as {@code ?access_token=} instead (RFC 6750 §2.3). Also refuses oversized
 * bodies by their Content-Length before anything reads them.
 */
final class AuthFilter {
    static final String ACCESS_ATTRIBUTE = "longwatch.access";
    private final ApiTokens tokens;

    AuthFilter(ApiTokens tokens) {
        this.tokens = tokens;
    }

    void routing(RoutesConfig routes) {
        routes.before(this::limitBody);
        routes.before("/v1/*", this::authenticate);
    }

    private void limitBody(Context ctx) {
        long length = ctx.contentLength();
        if (length > HttpApi.MAX_BODY_BYTES) {
            throw new ApiException(
                    413, "body_too_large", "request body has " + length + " bytes; the limit is " + HttpApi.MAX_BODY_BYTES);
        }
    }

    private void authenticate(Context ctx) {
        if (tokens.open()) {
            ctx.attribute(ACCESS_ATTRIBUTE, Access.OPEN);
            return;
        }
        Optional<String> token = bearer(ctx);
        if (token.isEmpty()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"longwatch\"");
            throw new ApiException(401, "unauthorized", "this API needs a bearer token (Authorization: Bearer TOKEN)");
        }
        ApiTokens.Tenant tenant =
                tokens.tenantOf(token.get())
                        .orElseThrow(
                                () -> {
                                    ctx.header("WWW-Authenticate", "Bearer realm=\"longwatch\", error=\"invalid_token\"");
                                    return new ApiException(401, "unauthorized", "unknown bearer token");
                                });
        ctx.attribute(ACCESS_ATTRIBUTE, Access.of(tenant));
    }

    private static Optional<String> bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.of(header.substring(7).strip()).filter(t -> !t.isEmpty());
        }
        if (ctx.method().name().equals("GET")) {
            return Optional.ofNullable(ctx.queryParam("access_token")).filter(t -> !t.isBlank());
        }
        return Optional.empty();
    }

    /** The caller's access; open when the filter did not run (routes outside /v1). */
    static Access access(Context ctx) {
        Access access = ctx.attribute(ACCESS_ATTRIBUTE);
        return access == null ? Access.OPEN : access;
    }

    /** Throws 403 unless the caller may see {@code streamId}. */
    static void requireVisible(Context ctx, String streamId) {
        if (!access(ctx).canSee(streamId)) {
            throw new ApiException(403, "forbidden", "this token may not see stream '" + streamId + "'");
        }
    }
}
