package dev.longwatch.query.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longwatch.query.http.ApiJson;
import dev.longwatch.schema.StreamIds;

/**
 * The query service's own protobuf decoder: lw.event-answers values through {@link
 * EventAnswerCheck}, as the SSE feed reads them, and an accepted answer on to the JSON an SSE
 * client gets. An answer or a reason, never an exception (which stopped the feed for good).
 */
class EventAnswerCheckFuzzTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @FuzzTest(maxDuration = "2m")
    void check(byte[] value) throws Exception {
        EventAnswerCheck.Checked checked = EventAnswerCheck.check(value);

        assertThat(checked.answer() == null).isNotEqualTo(checked.refusal() == null);
        if (checked.answer() != null) {
            assertThat(value.length).isLessThanOrEqualTo(EventAnswerCheck.MAX_BYTES);
            assertThat(checked.answer().getId()).isNotBlank();
            assertThat(StreamIds.isValid(checked.answer().getStreamId())).isTrue();
            // What an SSE client gets is JSON a strict parser reads back (no NaN, no Infinity).
            String data = JSON.writeValueAsString(ApiJson.EventAnswerView.of(checked.answer()));
            assertThat(JSON.readTree(data).path("id").asText()).isEqualTo(checked.answer().getId());
        } else {
            assertThat(checked.refusal()).isNotBlank();
        }
    }
}
