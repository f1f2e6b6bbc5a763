package io.edgedistill.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import io.edgedistill.deploy.LocalStack;
import io.edgedistill.deploy.LocalStackExtension;
import io.edgedistill.schemas.AttackAlert;
import io.edgedistill.schemas.Topics;
import io.edgedistill.schemas.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;

/**
 * The console's page in a real browser against the running system: the loop of three edges runs one round, and while
 * everything is still up, headless Chromium loads the dashboard. It waits for the round's model in the rounds chart
 * (with the held-out figure the demo measured), finds every edge in the fleet table running what it reports on
 * {@code edge.status}, compares the alert count with the alerts on the topic, and saves a screenshot to
 * {@code target/dashboard.png}. Skipped, with a message, only where no Chromium is installed; {@code .ci/run} installs it.
 */
@Tag("integration")
@ExtendWith(LocalStackExtension.class)
class DashboardBrowserTest {

    @Test
    @Timeout(value = 240, unit = TimeUnit.SECONDS)
    void theDashboardShowsTheRoundTheFleetAndTheAlertsOfTheRunningSystem(LocalStack stack, @TempDir Path dir) throws Exception {
        DashboardPage.Browser browser = DashboardPage.Browser.find().orElse(null);
        Assumptions.assumeTrue(browser != null, "no Chromium found (install Debian's chromium and chromium-driver, or set "
                + "CHROME_BIN and CHROMEDRIVER): the dashboard's browser test is skipped");
        // its own task: the stack is shared with the other system tests, whose 5g-nidd-attacks rounds and models stay on it
        LoopDemo.Options options = new LoopDemo.Options(3, 0.5, 10, 6000, null, "5g-nidd", null, 1, 11, 0, 0.01, false, false,
                Map.of(), "dashboard-test-attacks", true);
        AtomicReference<String> checked = new AtomicReference<>();

        LoopDemo.Outcome out = new LoopDemo(stack, Path.of("../..").toAbsolutePath().normalize(), dir, options).run(running -> {
            LoopDemo.RoundOutcome round = running.outcome().rounds().get(0);
            try (DashboardPage page = DashboardPage.open(browser, running.dashboardUrl())) {
                // the rounds chart: the round's model, its validation figure, and the held-out figure the demo wrote
                await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class).atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(page.script(
                        "const c = window.consoleCharts['rounds-chart']; return c ? c.data.labels : []"))
                        .asInstanceOf(InstanceOfAssertFactories.LIST).contains(round.model()));
                int i = ((Number) page.script("return window.consoleCharts['rounds-chart'].data.labels.indexOf('" + round.model()
                        + "')")).intValue();
                assertThat(((Number) page.script("return window.consoleCharts['rounds-chart'].data.datasets[0].data[" + i + "]"))
                        .doubleValue()).as("validation macro-F1").isEqualTo(round.validationF1());
                await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(page.script(
                        "return window.consoleCharts['rounds-chart'].data.datasets[1].data[" + i + "]")).isNotNull());
                assertThat(((Number) page.script("return window.consoleCharts['rounds-chart'].data.datasets[1].data[" + i + "]"))
                        .doubleValue()).as("held-out macro-F1, from the demo's reference file").isEqualTo(round.heldOutAfter());

                // the fleet table: every edge, on the model it reports on edge.status
                await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class).atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    Map<String, String> rows = new HashMap<>();
                    for (WebElement tr : page.all("#fleet tbody tr")) {
                        rows.put(tr.getDomAttribute("data-edge"), tr.getDomAttribute("data-model"));
                    }
                    assertThat(rows).hasSize(running.outcome().statusByEdge().size());
                    running.outcome().statusByEdge().forEach((edge, status) -> assertThat(rows.get(edge)).as(edge)
                            .isEqualTo(status.getModelId() + " v" + status.getModelVersion()).isEqualTo(round.model()));
                });

                // the alert count against the topic: between what the topic held before and after the page was read
                long before = alertsOnTopic(stack, running.outcome().rounds().get(0).model().split(" ")[0]);
                await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class).atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                        assertThat(Long.parseLong(page.attribute("#alert-total", "data-count"))).isGreaterThanOrEqualTo(before));
                long shown = Long.parseLong(page.attribute("#alert-total", "data-count"));
                long after = alertsOnTopic(stack, running.outcome().rounds().get(0).model().split(" ")[0]);
                assertThat(shown).as("alerts of this task on alerts.attacks").isBetween(before, after).isPositive();

                // the synthetic set's picture: the compact set and rows drawn from the mixture
                await().ignoreExceptionsInstanceOf(StaleElementReferenceException.class).atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(page.script(
                        "const c = window.consoleCharts['set-chart']; return c ? c.data.datasets.map(d => d.label) : []"))
                        .asInstanceOf(InstanceOfAssertFactories.LIST).as("the set's picture: compact rows and rows drawn from its mixture")
                        .anyMatch(l -> !String.valueOf(l).endsWith("(generated)")).anyMatch(l -> String.valueOf(l).endsWith("(generated)")));
                assertThat(page.text("#live-text")).isEqualTo("live");
                page.screenshot(Path.of("target/dashboard.png"));
                checked.set("rounds " + round.model() + ", fleet " + running.outcome().statusByEdge().size() + ", alerts " + shown);
            }
        }).orElseThrow();

        assertThat(out.rounds()).hasSize(1);
        assertThat(checked.get()).as("the browser checks ran while the system was up").isNotNull();
        assertThat(Path.of("target/dashboard.png")).isNotEmptyFile();
        System.out.println("dashboard checked in Chromium: " + checked.get() + "; screenshot target/dashboard.png");
    }

    /** Alerts on alerts.attacks that the console counts for {@code task}: its models' alerts, and those naming no model. */
    private static long alertsOnTopic(LocalStack stack, String task) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        stack.clientSecurity("operator").applyTo(cfg);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        Deserializer<SpecificRecord> decoder = AvroSerdes.deserializer(stack.registryUrl(), false);
        long n = 0;
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(cfg)) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(Topics.ALERTS).forEach(p -> parts.add(new TopicPartition(Topics.ALERTS, p.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    SpecificRecord v;
                    try {
                        v = r.value() == null ? null : decoder.deserialize(r.topic(), r.headers(), r.value());
                    } catch (RuntimeException e) {
                        continue; // not an alert the console can read either
                    }
                    if (v instanceof AttackAlert a
                            && (a.getModelId() == null || a.getModelId().equals(task) || a.getModelId().startsWith(task + "/"))) {
                        n++;
                    }
                }
            }
        }
        return n;
    }
}
