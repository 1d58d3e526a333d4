package dev.longwatch.query.subscriptions;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.schema.proto.EventAnswer;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EventAnswerBusTest {
    private static EventAnswer answer(String sub, String id) {
        return EventAnswer.newBuilder().setSubscriptionId(sub).setStreamId("cam-1").setId(id).setAnswer("a " + id).build();
    }

    @Test
    void shouldDeliverEachAnswerOnceToItsSubscriptionsListeners() throws Exception {
        EventAnswerBus bus = new EventAnswerBus();
        List<String> got = new CopyOnWriteArrayList<>();
        AutoCloseable listening = bus.listen("s1", Optional.empty(), a -> got.add(a.getId()));

        bus.publish(answer("s1", "s1@1000"));
        bus.publish(answer("s2", "s2@1000"));
        bus.publish(answer("s1", "s1@1000")); // redelivered
        listening.close();
        bus.publish(answer("s1", "s1@2000"));

        assertThat(got).containsExactly("s1@1000");
        assertThat(bus.recent("s1")).extracting(EventAnswer::getId).containsExactly("s1@1000", "s1@2000");
    }

    @Test
    void shouldReplayWhatAReconnectingClientMissed() {
        EventAnswerBus bus = new EventAnswerBus();
        for (int i = 1; i <= 4; i++) {
            bus.publish(answer("s1", "s1@" + i));
        }
        List<String> afterTwo = new CopyOnWriteArrayList<>();
        List<String> unknownId = new CopyOnWriteArrayList<>();
        List<String> fresh = new CopyOnWriteArrayList<>();

        bus.listen("s1", Optional.of("s1@2"), a -> afterTwo.add(a.getId()));
        bus.listen("s1", Optional.of("gone"), a -> unknownId.add(a.getId()));
        bus.listen("s1", Optional.empty(), a -> fresh.add(a.getId()));

        assertThat(afterTwo).containsExactly("s1@3", "s1@4");
        assertThat(unknownId).containsExactly("s1@1", "s1@2", "s1@3", "s1@4");
        assertThat(fresh).isEmpty();
    }

    @Test
    void shouldKeepOnlyTheLastAnswersForReplay() {
        EventAnswerBus bus = new EventAnswerBus();
        for (int i = 0; i < EventAnswerBus.REPLAY + 5; i++) {
            bus.publish(answer("s1", "s1@" + i));
        }
        assertThat(bus.recent("s1")).hasSize(EventAnswerBus.REPLAY);
        assertThat(bus.recent("s1").get(0).getId()).isEqualTo("s1@5");
    }
}
