package dev.longwatch.query.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import java.util.Set;

/**
 * Every request body under {@code /v1} is JSON and must say so: {@code Content-Type:
 * application/json}, optionally with {@code charset=utf-8} (JSON is UTF-8). Anything else is 415
 * before the body is read. Besides clear errors this keeps browsers honest: a cross-site form or
 * "simple" {@code fetch} can only send {@code text/plain}, form and multipart bodies, and a JSON
 * content type forces a CORS preflight that this API never grants.
 */
final class JsonContentType {
    private static final Set<String> WITH_BODY = Set.of("POST", "PUT", "PATCH");

    void routing(RoutesConfig routes) {
        routes.before("/v1/*", this::check);
    }

    private void check(Context ctx) {
        if (!WITH_BODY.contains(ctx.method().name())) {
            return;
        }
        String header = ctx.header("Content-Type");
        if (!isJson(header)) {
            throw new ApiException(
                    415,
                    "unsupported_media_type",
                    "request bodies must be JSON sent as 'Content-Type: application/json', got "
                            + (header == null ? "none" : "'" + abbreviate(header) + "'"));
        }
    }

    /** {@code application/json}, any case, with no parameter but an optional UTF-8 charset. */
    static boolean isJson(String header) {
        if (header == null) {
            return false;
        }
        String[] parts = header.split(";", -1);
        if (!parts[0].strip().toLowerCase(Locale.ROOT).equals("application/json")) {
            return false;
        }
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
            if (parameter.isEmpty()) {
                continue;
            }
            if (!parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
                return false;
            }
        }
        return true;
    }

    private static String abbreviate(String text) {
        return text.length() <= 100 ? text : text.substring(0, 100) + "...";
    }
}
