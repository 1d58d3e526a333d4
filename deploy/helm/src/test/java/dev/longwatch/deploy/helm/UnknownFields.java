package dev.longwatch.deploy.helm;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Fields a typed model did not know. fabric8's and Strimzi's models keep unknown fields in an
 * {@code additionalProperties} map instead of failing (Jackson's FAIL_ON_UNKNOWN_PROPERTIES never
 * fires for them), so a misspelt or misplaced key would pass unnoticed; this walks the parsed
 * object and reports every non-empty such map with its path.
 */
final class UnknownFields {
    private static final List<String> MODEL_PACKAGES = List.of("io.fabric8.", "io.strimzi.", "org.apache.flink.kubernetes.");

    private UnknownFields() {}

    /** "path: [keys]" for every object below {@code model} that holds fields its class lacks. */
    static List<String> of(Object model) {
        List<String> found = new ArrayList<>();
        walk(model, "", found);
        return found;
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                walk(item, path + "[" + i++ + "]", found);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> walk(item, path + "." + key, found));
            return;
        }
        if (MODEL_PACKAGES.stream().noneMatch(value.getClass().getName()::startsWith) || value.getClass().isEnum()) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class
                    || !(getter.getName().startsWith("get") || getter.getName().startsWith("is"))) {
                continue;
            }
            Object result;
            try {
                result = getter.invoke(value);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue; // a computed getter that needs more than the parsed fields
            }
            String name = getter.getName();
            if (name.equals("getAdditionalProperties") && result instanceof Map<?, ?> extra) {
                if (!extra.isEmpty()) {
                    found.add((path.isEmpty() ? "." : path) + ": " + extra.keySet());
                }
            } else if (result != value && !(result instanceof Class<?>)) {
                walk(result, path + "." + property(name), found);
            }
        }
    }

    private static String property(String getter) {
        String bare = getter.startsWith("is") ? getter.substring(2) : getter.substring(3);
        return bare.isEmpty() ? bare : Character.toLowerCase(bare.charAt(0)) + bare.substring(1);
    }
}
