package dev.longwatch.query.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.javalin.http.Context;

/** Reads JSON request bodies strictly: malformed JSON or an unknown field is a 400 that says why. */
final class RequestBodies {
    private final ObjectMapper mapper;

    RequestBodies(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    <T> T read(Context ctx, Class<T> type) {
        return parse(ctx.body(), type);
    }

    /** The body as a {@code type}, or a 400 {@code invalid_json} saying why it is not one. */
    <T> T parse(String body, Class<T> type) {
        if (body.isBlank()) {
            throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
        }
        try {
            T value = mapper.readValue(body, type);
            if (value == null) {
                throw ApiException.badRequest("invalid_json", "request body must be a JSON object");
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ApiException.badRequest(
                    "invalid_json",
                    "unknown field '" + e.getPropertyName() + "'; known fields: " + e.getKnownPropertyIds());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("invalid_json", "malformed JSON: " + e.getOriginalMessage());
        }
    }
}
