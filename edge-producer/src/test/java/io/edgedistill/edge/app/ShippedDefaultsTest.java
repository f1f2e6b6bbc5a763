package io.edgedistill.edge.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.micronaut.context.annotation.Value;
import org.junit.jupiter.api.Test;

/**
 * An edge started with its shipped defaults must follow the task the processor opens rounds for: with the two
 * apart, the edge ignores every round.
 */
class ShippedDefaultsTest {
    private static final String PROCESSOR_TASK = "5g-nidd-attacks";
    private static final Pattern TASK_ID = Pattern.compile("(?m)^\\s+task-id:\\s*([^\\s#]+)");

    @Test
    void theShippedTaskIdIsTheOneTheProcessorOpensRoundsFor() throws IOException {
        assertThat(taskId(resource("/application.yml"))).isEqualTo(PROCESSOR_TASK);
        assertThat(factoryDefault("taskId")).isEqualTo("${edge.task-id:" + PROCESSOR_TASK + "}");

        // the processor's README table of its keys is checked against its declared defaults (ProcessorHelpTest)
        Path processor = Path.of("../distill-processor/README.md");
        assumeTrue(Files.exists(processor), "the processor's README is next to this module");
        assertThat(Files.readString(processor)).contains("| `processor.rounds.task-id` | String | `" + PROCESSOR_TASK + "` |");
    }

    private static String taskId(String yaml) {
        Matcher m = TASK_ID.matcher(yaml);
        assertThat(m.find()).as("a task-id key").isTrue();
        return m.group(1);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ShippedDefaultsTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** The {@code @Value} expression of one parameter of {@link EdgeFactory}'s edge factory method. */
    private static String factoryDefault(String parameter) {
        Method edge = Arrays.stream(EdgeFactory.class.getDeclaredMethods()).filter(m -> m.getName().equals("edge"))
                .findFirst().orElseThrow();
        Parameter p = Arrays.stream(edge.getParameters()).filter(x -> x.getName().equals(parameter)).findFirst()
                .orElseThrow(() -> new AssertionError("compile with -parameters to see " + parameter));
        return p.getAnnotation(Value.class).value();
    }
}
