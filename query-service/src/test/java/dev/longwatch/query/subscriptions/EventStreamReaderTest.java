package dev.longwatch.query.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.query.subscriptions.EventStreamReader.Event;
import java.io.IOException;
import java.io.StringReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The examples of the HTML standard's server-sent events section ("event stream interpretation"),
 * then the rules they leave out.
 */
class EventStreamReaderTest {

    @Test
    void shouldJoinTheDataLinesOfOneEventWithLineFeeds() throws IOException {
        assertThat(events("data: YHOO\ndata: +2\ndata: 10\n\n"))
                .containsExactly(new Event("message", "YHOO\n+2\n10", ""));
    }

    @Test
    void shouldSkipCommentsSetAndResetTheIdAndStripOneLeadingSpaceOnly() throws IOException {
        EventStreamReader reader = reader(": test stream\n\n"
                + "data: first event\nid: 1\n\n"
                + "data:second event\nid\n\n"
                + "data:  third event\n\n", "");

        assertThat(all(reader))
                .containsExactly(
                        new Event("message", "first event", "1"),
                        new Event("message", "second event", ""),
                        new Event("message", " third event", ""));
        assertThat(reader.lastEventId()).isEmpty();
    }

    @Test
    void shouldDispatchEmptyDataButDropTheLastEventWithoutItsBlankLine() throws IOException {
        // "data" alone is a field with an empty value; the last block has no blank line after it.
        assertThat(events("data\n\ndata\ndata\n\ndata:"))
                .containsExactly(new Event("message", "", ""), new Event("message", "\n", ""));
        assertThat(events("data: complete\n\ndata: pending\n")).containsExactly(new Event("message", "complete", ""));
    }

    @Test
    void shouldTreatTheSpaceAfterTheColonAsOptional() throws IOException {
        assertThat(events("data:test\n\ndata: test\n\n"))
                .containsExactly(new Event("message", "test", ""), new Event("message", "test", ""));
    }

    @Test
    void shouldHonourRetryOnlyWhenItIsAllDigits() throws IOException {
        EventStreamReader reader = reader("retry: 2500\n\n", "");
        assertThat(all(reader)).isEmpty();
        assertThat(reader.reconnectionTime()).contains(Duration.ofMillis(2500));

        for (String ignored : List.of("retry:\n\n", "retry: 1.5\n\n", "retry: 10x\n\n", "retry:  10\n\n", "retry: -5\n\n",
                "retry: 99999999999999999999999\n\n")) {
            EventStreamReader other = reader(ignored, "");
            all(other);
            assertThat(other.reconnectionTime()).as(ignored).isEmpty();
        }
        EventStreamReader later = reader("retry: 3000\ndata: x\n\nretry: 250\n\n", "");
        all(later);
        assertThat(later.reconnectionTime()).contains(Duration.ofMillis(250));
    }

    @Test
    void shouldNameTheEventByItsTypeForOneEventOnly() throws IOException {
        assertThat(events("event: answer\ndata: {}\n\ndata: plain\n\nevent: ping\n\ndata: after an empty block\n\n"))
                .containsExactly(
                        new Event("answer", "{}", ""),
                        new Event("message", "plain", ""),
                        new Event("message", "after an empty block", ""));
    }

    @Test
    void shouldKeepTheLastEventIdAcrossEventsAndIgnoreAnIdWithNull() throws IOException {
        EventStreamReader reader = reader("id: 7\ndata: a\n\ndata: b\n\nid: bad\u0000id\ndata: c\n\n", "6");
        assertThat(all(reader))
                .containsExactly(new Event("message", "a", "7"), new Event("message", "b", "7"), new Event("message", "c", "7"));

        // A reconnected stream keeps the previous ID until the server sends another.
        EventStreamReader reconnected = reader(": hello\n\ndata: d\n\n", "7");
        assertThat(all(reconnected)).containsExactly(new Event("message", "d", "7"));
        assertThat(reconnected.lastEventId()).isEqualTo("7");
        // An id-only block moves it without an event.
        EventStreamReader idOnly = reader("id: 8\n\n", "7");
        assertThat(all(idOnly)).isEmpty();
        assertThat(idOnly.lastEventId()).isEqualTo("8");
    }

    @Test
    void shouldEndLinesAtCrLfLfOrCrAndDropOneByteOrderMark() throws IOException {
        assertThat(events("\uFEFFdata: a\r\ndata: b\rdata: c\n\r\nevent: answer\rdata: d\r\r"))
                .containsExactly(new Event("message", "a\nb\nc", ""), new Event("answer", "d", ""));
    }

    @Test
    void shouldSplitAFieldAtItsFirstColonAndIgnoreUnknownFields() throws IOException {
        assertThat(events("data: a: b\nfoo: bar\nData: not data\n\n"))
                .containsExactly(new Event("message", "a: b", ""));
    }

    private static List<Event> events(String stream) throws IOException {
        return all(reader(stream, ""));
    }

    private static EventStreamReader reader(String stream, String lastEventId) {
        return new EventStreamReader(new StringReader(stream), lastEventId);
    }

    private static List<Event> all(EventStreamReader reader) throws IOException {
        List<Event> events = new ArrayList<>();
        for (Optional<Event> next = reader.next(); next.isPresent(); next = reader.next()) {
            events.add(next.get());
        }
        return events;
    }
}
