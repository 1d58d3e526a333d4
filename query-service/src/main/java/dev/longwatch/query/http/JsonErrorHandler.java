package dev.longwatch.query.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers in the API's shape {@code {"error":{"code","message"}}}: what Jetty
 * refuses before Javalin sees the request (a malformed request line, a URI or headers too large,
 * a bad header) and anything that escapes Javalin. Jetty's default writes an HTML page, or nothing
 * when the client's {@code Accept} names no type it knows. The message is a fixed text per status:
 * Jetty's reason may quote the request.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public boolean errorPageForMethod(String method) {
        return !"HEAD".equals(method);
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        byte[] body;
        try {
            body = JSON.writeValueAsBytes(ApiJson.Error.of(codeOf(code), messageOf(code)));
        } catch (JsonProcessingException e) {
            body = "{\"error\":{\"code\":\"internal\",\"message\":\"internal error\"}}".getBytes(StandardCharsets.UTF_8);
        }
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** The error {@code code} of an HTTP status the API did not choose itself. */
    static String codeOf(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "body_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 503 -> "unavailable";
            default -> status >= 500 ? "internal" : "bad_request";
        };
    }

    private static String messageOf(int status) {
        return switch (status) {
            case 400 -> "malformed HTTP request";
            case 413 -> "request body too large; the limit is " + HttpApi.MAX_BODY_BYTES + " bytes";
            case 414 -> "request URI too long";
            case 431 -> "request headers too large";
            default -> status >= 500 ? "internal error; see the service log" : lowerCase(HttpStatus.getMessage(status));
        };
    }

    private static String lowerCase(String reason) {
        return reason == null ? "request refused" : reason.toLowerCase(java.util.Locale.ROOT);
    }
}
