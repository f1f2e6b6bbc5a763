package io.edgedistill.edge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/** An edge whose task id matches no round it receives answers none of them, and says why. */
class RoundsOfOtherTasksTest {
    /** The task of rounds the edge under test ({@link EdgeFixtures#TASK}) does not follow. */
    private static final String OTHER = "5g-nidd-attacks";
    private static EdgeFixtures fx;
    private final EdgeFixtures.Captured out = new EdgeFixtures.Captured();

    @BeforeAll
    static void data() {
        fx = new EdgeFixtures(5, 600);
    }

    private EdgeNode node() {
        return fx.node(EdgeSettings.defaults("edge-1", EdgeFixtures.TASK), out);
    }

    @Test
    void aRoundOfAnotherTaskSendsNoSummaryAndIsCountedInTheStatus() {
        EdgeNode n = node();
        assertThat(n.onRound(fx.round(OTHER, 1, false, false))).isEmpty();
        assertThat(n.onRound(fx.round(OTHER, 2, false, false))).isEmpty();
        assertThat(n.onRound(fx.round("another-task", 1, false, false))).isEmpty();

        assertThat(out.summaries).isEmpty();
        assertThat(n.roundsAnswered()).isZero();
        assertThat(n.latestRound()).isEmpty();
        assertThat(n.status())
                .containsEntry("taskId", EdgeFixtures.TASK)
                .containsEntry("roundsAnswered", 0L)
                .containsEntry("foreignTaskRoundsSeen", Map.of("another-task", 1L, OTHER, 2L));
    }

    @Test
    void theEdgeWarnsOnceForEachNewForeignTaskNamingItsOwnTaskAndTheTasksItSaw() {
        List<String> warnings = new ArrayList<>();
        List<String> infos = new ArrayList<>();
        RoundTaskFilter tasks = new RoundTaskFilter("edge-1", EdgeFixtures.TASK, recording(warnings, infos));

        for (int round = 1; round <= 3; round++) {
            assertThat(tasks.ownTask(fx.round(OTHER, round, false, false))).isFalse();
        }
        assertThat(tasks.ownTask(fx.round("another-task", 1, false, false))).isFalse();

        assertThat(warnings).hasSize(2);
        assertThat(warnings.get(0)).contains(EdgeFixtures.TASK, OTHER);
        assertThat(warnings.get(1)).contains(EdgeFixtures.TASK, OTHER, "another-task");
        assertThat(tasks.foreignTaskRoundsSeen()).containsExactly(Map.entry(OTHER, 3L), Map.entry("another-task", 1L));

        // once rounds of its own task arrive, another task's rounds are normal (several tasks share the topic)
        assertThat(tasks.ownTask(fx.round(EdgeFixtures.TASK, 1, false, false))).isTrue();
        assertThat(tasks.ownTask(fx.round("third-task", 1, false, false))).isFalse();
        assertThat(warnings).hasSize(2);
        assertThat(infos).singleElement().asString().contains("third-task");
    }

    @Test
    void theConsumerAnswersOnlyNewRoundsOfItsOwnTaskAndCountsTheOthers() {
        EdgeNode n = node();
        RoundIntake intake = new RoundIntake(n.roundTasks());

        assertThat(intake.admit(fx.round(OTHER, 7, false, false))).isEqualTo(RoundIntake.Verdict.OTHER_TASK);
        assertThat(intake.admit(fx.round(EdgeFixtures.TASK, 1, false, false))).isEqualTo(RoundIntake.Verdict.ANSWER);
        assertThat(intake.admit(fx.round(EdgeFixtures.TASK, 1, false, false))).isEqualTo(RoundIntake.Verdict.STALE);
        assertThat(intake.admit(fx.round(EdgeFixtures.TASK, 3, false, false))).isEqualTo(RoundIntake.Verdict.ANSWER);
        assertThat(intake.admit(fx.round(EdgeFixtures.TASK, 2, false, false))).isEqualTo(RoundIntake.Verdict.STALE);

        assertThat(intake.highestRound()).isEqualTo(3);
        assertThat(n.foreignTaskRoundsSeen()).containsExactly(Map.entry(OTHER, 1L));
    }

    /** A logger that keeps the arguments of its warn and info calls, one string per call. */
    private static Logger recording(List<String> warnings, List<String> infos) {
        return (Logger) Proxy.newProxyInstance(Logger.class.getClassLoader(), new Class<?>[] {Logger.class},
                (proxy, method, args) -> {
                    String call = Arrays.deepToString(args);
                    switch (method.getName()) {
                        case "warn" -> warnings.add(call);
                        case "info" -> infos.add(call);
                        default -> {
                        }
                    }
                    return method.getReturnType() == boolean.class ? Boolean.TRUE : null;
                });
    }
}
