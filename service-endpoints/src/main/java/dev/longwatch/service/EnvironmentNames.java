package dev.longwatch.service;

import java.util.AbstractMap;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * The environment variables a service reads, found by running the service's own parsing of its
 * environment on an empty environment that records every name asked for. A service's list of
 * variables is then its settings code itself: a variable added there is known at once to the
 * deployment checks (the Helm chart's and the compose file's environment, the README tables)
 * without a second list to keep in step. For that, settings read each variable whatever the
 * others say ({@code env.get}, {@code env.getOrDefault}), as every settings class here does.
 */
public final class EnvironmentNames {
    private EnvironmentNames() {}

    /**
     * The names {@code parse} asks for when every variable is unset, so every default applies.
     *
     * @throws IllegalArgumentException when the defaults do not parse (the settings need a
     *     variable that has no default)
     */
    public static SortedSet<String> readBy(Consumer<Map<String, String>> parse) {
        RecordingEnvironment env = new RecordingEnvironment();
        parse.accept(env);
        return Collections.unmodifiableSortedSet(env.names);
    }

    /** An empty, read-only map that remembers every key looked up in it. */
    private static final class RecordingEnvironment extends AbstractMap<String, String> {
        private final SortedSet<String> names = new TreeSet<>();

        @Override
        public String get(Object key) {
            names.add((String) key);
            return null;
        }

        @Override
        public String getOrDefault(Object key, String defaultValue) {
            names.add((String) key);
            return defaultValue;
        }

        @Override
        public boolean containsKey(Object key) {
            names.add((String) key);
            return false;
        }

        @Override
        public Set<Entry<String, String>> entrySet() {
            return Set.of();
        }
    }
}
