package dev.longwatch.schema;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void shouldBoundEveryTopicByCompactionOrByTimeAndBytes() {
        for (Topic<?, ?> topic : Topics.ALL) {
            var configs = topic.configs();
            if ("compact".equals(configs.get("cleanup.policy"))) {
                assertThat(configs).as(topic.name()).containsKey("delete.retention.ms");
            } else {
                assertThat(configs).as(topic.name()).containsKeys("retention.ms", "retention.bytes", "segment.bytes");
                // Retention deletes whole segments: one segment must be well under the byte limit.
                assertThat(Long.parseLong(configs.get("segment.bytes")))
                        .as(topic.name())
                        .isLessThanOrEqualTo(Long.parseLong(configs.get("retention.bytes")) / 4);
            }
        }
    }

    @Test
    void shouldLetEveryTopicThatCarriesFramesOrDeadLettersTakeARecordAtTheLimit() {
        for (Topic<?, ?> topic : new Topic<?, ?>[] {Topics.FRAMES, Topics.EMBEDDINGS, Topics.DLQ}) {
            assertThat(topic.configs().get("max.message.bytes")).as(topic.name()).isEqualTo(Integer.toString(Topics.MAX_MESSAGE_BYTES));
        }
    }
}
