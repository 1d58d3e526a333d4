package dev.longwatch.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EnvironmentNamesTest {
    @Test
    void shouldListEveryNameTheParsingAsksFor() {
        assertThat(EnvironmentNames.readBy(env -> {
                    env.getOrDefault("LONGWATCH_B", "1");
                    env.get("LONGWATCH_A");
                    env.containsKey("LONGWATCH_C");
                }))
                .containsExactly("LONGWATCH_A", "LONGWATCH_B", "LONGWATCH_C");
    }

    @Test
    void shouldSeeAnEmptyEnvironmentSoEveryDefaultApplies() {
        assertThat(EnvironmentNames.readBy(env -> assertThat(env).isEmpty())).isEmpty();
        assertThatThrownBy(() -> EnvironmentNames.readBy(env -> env.put("X", "y")))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
