package dev.longwatch.query.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * The web page ({@code /}, {@code /ui/app.js}, {@code /ui/app.css}) and {@code /openapi.json},
 * served from the classpath ({@code src/main/resources/longwatch}) with no build step. Only the
 * listed files are served, so a path can never reach anything else on the classpath.
 */
final class StaticResource {
    private static final String ROOT = "/longwatch/";
    private static final Map<String, String> UI_FILES =
            Map.of("app.js", "text/javascript; charset=utf-8", "app.css", "text/css; charset=utf-8");

    void routing(RoutesConfig routes) {
        routes.get("/", ctx -> serve(ctx, "web/index.html", "text/html; charset=utf-8"));
        routes.get("/ui/{file}", this::ui);
        routes.get("/openapi.json", ctx -> serve(ctx, "openapi.json", "application/json"));
    }

    private void ui(Context ctx) {
        String file = ctx.pathParam("file");
        String type = UI_FILES.get(file);
        if (type == null) {
            throw ApiException.notFound("no such file: /ui/" + file);
        }
        serve(ctx, "web/" + file, type);
    }

    private static void serve(Context ctx, String path, String contentType) {
        try (InputStream in = StaticResource.class.getResourceAsStream(ROOT + path)) {
            if (in == null) {
                throw new IllegalStateException("resource " + ROOT + path + " is missing from the jar");
            }
            ctx.contentType(contentType).result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
