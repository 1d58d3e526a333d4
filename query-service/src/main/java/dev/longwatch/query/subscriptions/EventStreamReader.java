package dev.longwatch.query.subscriptions;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.time.Duration;
import java.util.Optional;

/**
 * Reads the events of one {@code text/event-stream} body the way the HTML standard's "interpreting
 * an event stream" says (html.spec.whatwg.org, server-sent events): lines end in CRLF, LF or CR;
 * a line starting with a colon is a comment; a field's value loses one leading space, no more;
 * {@code data} lines join with LF; {@code id} sets the last event ID (an empty value resets it, a
 * value with U+0000 is ignored); {@code retry} with only ASCII digits sets the reconnection time;
 * a blank line dispatches the event (none without data); what is pending at the end of the stream
 * is dropped, since an event is complete only once its blank line arrives.
 *
 * <p>One instance per connection: the data and event type buffers start empty with each stream.
 * The last event ID buffer starts from the previous connection's last event ID, as browsers do
 * (Chromium hands it to each new parser): started empty, as the standard's text has it, the first
 * blank line of a reconnected stream (after the server's greeting comment, say) would forget the
 * ID before any event arrived. Not thread-safe.
 */
final class EventStreamReader {
    /**
     * A dispatched event.
     *
     * @param type the {@code event} field, {@code "message"} without one
     * @param lastEventId the last event ID when it was dispatched ({@code ""} when none)
     */
    record Event(String type, String data, String lastEventId) {}

    private final BufferedReader lines;
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventIdBuffer;
    private String lastEventId;
    private Optional<Duration> reconnectionTime = Optional.empty();
    private boolean firstLine = true;

    /**
     * @param body the stream, decoded as UTF-8
     * @param lastEventId the last event ID so far ({@code ""} on a first connection)
     */
    EventStreamReader(Reader body, String lastEventId) {
        this.lines = body instanceof BufferedReader buffered ? buffered : new BufferedReader(body);
        this.lastEventIdBuffer = lastEventId;
        this.lastEventId = lastEventId;
    }

    /**
     * Reads up to the next dispatched event; blocks until the server sends it.
     *
     * @return the event, or empty at the end of the stream
     */
    Optional<Event> next() throws IOException {
        String line;
        // BufferedReader ends lines at CRLF, LF and CR alike, as the standard does.
        while ((line = lines.readLine()) != null) {
            if (firstLine) {
                firstLine = false;
                if (line.startsWith("\uFEFF")) {
                    line = line.substring(1); // UTF-8 decode drops one byte order mark
                }
            }
            if (line.isEmpty()) {
                Optional<Event> event = dispatch();
                if (event.isPresent()) {
                    return event;
                }
            } else if (line.charAt(0) != ':') {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    field(line, "");
                } else {
                    String value = line.substring(colon + 1);
                    field(line.substring(0, colon), value.startsWith(" ") ? value.substring(1) : value);
                }
            }
        }
        return Optional.empty();
    }

    /** The last event ID as of the latest dispatch ({@code ""} for none): what a reconnect sends. */
    String lastEventId() {
        return lastEventId;
    }

    /** The reconnection time from the latest valid {@code retry} field, if the stream sent one. */
    Optional<Duration> reconnectionTime() {
        return reconnectionTime;
    }

    private void field(String name, String value) {
        switch (name) {
            case "event" -> eventType = value;
            case "data" -> data.append(value).append('\n');
            case "id" -> {
                if (value.indexOf('\u0000') < 0) {
                    lastEventIdBuffer = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    try {
                        reconnectionTime = Optional.of(Duration.ofMillis(Long.parseLong(value)));
                    } catch (NumberFormatException tooLong) {
                        // more digits than a long holds: no sensible wait, ignored
                    }
                }
            }
            default -> {
                // other fields are ignored
            }
        }
    }

    private Optional<Event> dispatch() {
        lastEventId = lastEventIdBuffer;
        if (data.length() == 0) {
            eventType = "";
            return Optional.empty();
        }
        data.setLength(data.length() - 1); // the LF after the last data line
        Event event = new Event(eventType.isEmpty() ? "message" : eventType, data.toString(), lastEventId);
        data.setLength(0);
        eventType = "";
        return Optional.of(event);
    }
}
