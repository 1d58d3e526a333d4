package dev.longwatch.encoder.tensorrt;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Native resources in creation order, released in reverse: a context before its engine, an
 * engine before its runtime, buffers before the stream they were used on. A failing release is
 * logged and the rest still run; the first failure is rethrown at the end.
 */
final class ReleaseStack implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReleaseStack.class);

    private record Entry(String name, Runnable release) {}

    private final Deque<Entry> entries = new ArrayDeque<>();

    /** Registers a resource just created; returns it for chaining. */
    <T> T push(String name, T resource, Runnable release) {
        entries.push(new Entry(name, release));
        return resource;
    }

    int size() {
        return entries.size();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        while (!entries.isEmpty()) {
            Entry entry = entries.pop();
            try {
                entry.release().run();
            } catch (RuntimeException e) {
                LOG.warn("releasing {} failed", entry.name(), e);
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
