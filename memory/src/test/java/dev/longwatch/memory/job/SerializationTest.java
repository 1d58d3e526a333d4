package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.bank.BankIndex;
import dev.longwatch.memory.bank.Lane;
import dev.longwatch.memory.chapter.ChapterCursor;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

/** Everything that flows between operators or sits in state is a POJO to Flink, never Kryo. */
class SerializationTest {

    @Test
    void shouldSerializeRecordsAndStateAsPojos() {
        for (Class<?> type :
                new Class<?>[] {
                    RawKafkaRecord.class, EmbeddingEvent.class, OutRecord.class,
                    BankIndex.class, Lane.class, StreamProgress.class,
                    StreamControl.class, ChapterCursor.class, StreamIncarnation.class
                }) {
            assertThat(TypeInformation.of(type))
                    .as(type.getSimpleName())
                    .isInstanceOf(PojoTypeInfo.class);
        }
    }
}
