package dev.longwatch.memory.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.longwatch.memory.job.IncarnationRules.Verdict;

import org.junit.jupiter.api.Test;

/** The incarnation rules alone, state handed in and out. */
class IncarnationRulesTest {
    private static final long DAY = IncarnationRules.FORGET_AFTER.toMillis();

    @Test
    void shouldApplyFramesOfTheCurrentIncarnationAndDropOlderOnes() {
        IncarnationRules.Step first = IncarnationRules.onFrame(null, 5, false);
        assertThat(first.verdict()).isEqualTo(Verdict.APPLY);
        assertThat(first.next()).isEqualTo(new StreamIncarnation(5, 5, false, 0));

        assertThat(IncarnationRules.onFrame(first.next(), 5, true).verdict()).isEqualTo(Verdict.APPLY);
        assertThat(IncarnationRules.onFrame(first.next(), 4, true).verdict()).isEqualTo(Verdict.DROP);
        assertThat(IncarnationRules.onFrame(first.next(), 0, true).verdict())
                .as("a frame written before incarnations joins the bank")
                .isEqualTo(Verdict.APPLY);
    }

    @Test
    void shouldRestartForANewerIncarnationOnlyWhenABankOfAnOlderOneExists() {
        StreamIncarnation bankOf5 = new StreamIncarnation(5, 5, false, 0);

        assertThat(IncarnationRules.onFrame(bankOf5, 9, true))
                .isEqualTo(new IncarnationRules.Step(Verdict.RESTART, new StreamIncarnation(9, 9, false, 0)));
        assertThat(IncarnationRules.onFrame(bankOf5, 9, false).verdict()).as("the bank expired").isEqualTo(Verdict.APPLY);
        assertThat(IncarnationRules.onFrame(new StreamIncarnation(0, 0, false, 0), 9, true).verdict())
                .as("a bank of frames without incarnation takes the first one")
                .isEqualTo(Verdict.APPLY);
    }

    @Test
    void shouldDropEverythingOfADeletedIncarnationUntilANewerOneAndForgetADayLater() {
        IncarnationRules.ControlStep deleted =
                IncarnationRules.onControl(new StreamIncarnation(5, 5, false, 0), StreamControl.deleted("a"), true, 100);

        assertThat(deleted.endBank()).isTrue();
        assertThat(deleted.next()).isEqualTo(new StreamIncarnation(5, 5, true, 100 + DAY));
        assertThat(IncarnationRules.onFrame(deleted.next(), 5, false).verdict()).isEqualTo(Verdict.DROP);
        assertThat(IncarnationRules.onFrame(deleted.next(), 0, false).verdict()).isEqualTo(Verdict.DROP);
        assertThat(IncarnationRules.onFrame(deleted.next(), 6, false))
                .isEqualTo(new IncarnationRules.Step(Verdict.APPLY, new StreamIncarnation(6, 6, false, 0)));
        assertThat(IncarnationRules.forgets(deleted.next(), 100 + DAY)).isTrue();
        assertThat(IncarnationRules.forgets(deleted.next(), 99 + DAY)).isFalse();
    }

    @Test
    void shouldTakeTheIncarnationOfASpecAndEndTheBankOfAnOlderOne() {
        IncarnationRules.ControlStep known = IncarnationRules.onControl(null, StreamControl.created("a", 7), false, 0);
        assertThat(known).isEqualTo(new IncarnationRules.ControlStep(false, new StreamIncarnation(7, 0, false, 0)));
        assertThat(IncarnationRules.onFrame(known.next(), 6, false).verdict())
                .as("a frame older than the spec the job knows")
                .isEqualTo(Verdict.DROP);

        StreamIncarnation bankOf5 = new StreamIncarnation(5, 5, false, 0);
        assertThat(IncarnationRules.onControl(bankOf5, StreamControl.created("a", 7), true, 0))
                .isEqualTo(new IncarnationRules.ControlStep(true, new StreamIncarnation(7, 0, false, 0)));
        assertThat(IncarnationRules.onControl(bankOf5, StreamControl.created("a", 5), true, 0))
                .as("the spec of the bank's own incarnation")
                .isEqualTo(new IncarnationRules.ControlStep(false, bankOf5));
        assertThat(IncarnationRules.onControl(new StreamIncarnation(0, 0, false, 0), StreamControl.created("a", 7), true, 0).endBank())
                .as("a bank of frames without incarnation is not ended on a guess")
                .isFalse();
    }
}
