package io.edgedistill.edge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.TrafficStreamer;
import io.micronaut.context.ApplicationContext;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {

    @Test
    void withNothingConfiguredTheEdgeGetsTheDeclaredDefaults() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(UnstartedEdge.ONLY, "true"))) {
            EdgeConfig c = ctx.getBean(EdgeConfig.class);

            assertThat(c.id()).isEqualTo("edge-1");
            assertThat(c.taskId()).isEqualTo("5g-nidd-attacks");
            assertThat(c.cohort()).isEmpty();
            assertThat(c.trustedKeys()).isEmpty();
            assertThat(c.preferPersonalised()).isTrue();
            assertThat(c.scoreBatch()).isEqualTo(512);
            assertThat(c.statusInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(c.stateDir()).isEqualTo(".edge-state");
            assertThat(c.data()).isEqualTo(new EdgeConfig.Data("generated", "", "5g-nidd", 1, 20_000, 10, 0.1, 0));
            assertThat(c.traffic().enabled()).isTrue();
            assertThat(c.traffic().labelled()).isTrue();
            assertThat(c.traffic().streamer()).isEqualTo(TrafficStreamer.Settings.defaults());
            assertThat(c.trust()).isEqualTo(new EdgeConfig.Trust("", "", Duration.ofSeconds(60), List.of()));
            assertThat(c.signing()).isEqualTo(new EdgeConfig.Signing("", "", ""));
            assertThat(c.knowledge().interval()).isEqualTo(Duration.ofSeconds(30));
            assertThat(c.edgeSettings()).isEqualTo(EdgeSettings.defaults("edge-1", "5g-nidd-attacks"));
        }
    }

    @Test
    void keysOfTheRootAndOfANestedGroupOverrideTheirDefaultsOnly() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(UnstartedEdge.ONLY, "true",
                "edge.id", "edge-7",
                "edge.score-batch", "64",
                "edge.trusted-keys", List.of("k1=abc", "k2=def"),
                "edge.data.shard", "7",
                "edge.traffic.rate", "500",
                "edge.trust.timeout", "5s",
                "edge.personalised.min-gain", "-1",
                "edge.knowledge.confidence", "0.7"))) {
            EdgeConfig c = ctx.getBean(EdgeConfig.class);

            assertThat(c.id()).isEqualTo("edge-7");
            assertThat(c.scoreBatch()).isEqualTo(64);
            assertThat(c.trustedKeys()).containsExactly("k1=abc", "k2=def");
            assertThat(c.data().shard()).isEqualTo(7);
            assertThat(c.data().rows()).as("a default beside an override").isEqualTo(20_000);
            assertThat(c.traffic().rate()).isEqualTo(500.0);
            assertThat(c.traffic().batchSize()).isEqualTo(65_536);
            assertThat(c.trust().timeout()).isEqualTo(Duration.ofSeconds(5));
            assertThat(c.personalised().minGain()).isEqualTo(-1.0);
            assertThat(c.knowledge().confidence()).isEqualTo(0.7f);
            assertThat(c.knowledge().threshold()).isEqualTo(0.85);
        }
    }

    @Test
    void theDevEnvironmentFetchesTheUpdatersKeyFromTheLocalUpdater() {
        try (ApplicationContext ctx = ApplicationContext.run(Map.of(UnstartedEdge.ONLY, "true"), "dev")) {
            assertThat(ctx.getBean(EdgeConfig.class).trust().updaterUrl()).isEqualTo("http://127.0.0.1:8083");
        }
    }

    @Test
    void anEdgesLocalFileIsReadThroughItsFormatAndOneThatDoesNotMatchStopsTheStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path f = dir.resolve("flows.csv");
        java.nio.file.Files.writeString(f, "bytes,proto,Label\n10,tcp,ok\n20,udp,bad\n");
        java.nio.file.Path yaml = dir.resolve("mine.yaml");
        java.nio.file.Files.writeString(yaml, "name: mine\nlabel: Label\nfeatures: [bytes, proto]\ncategorical: [proto]\nclasses: [ok, bad]\n");
        EdgeConfig.Data mine = new EdgeConfig.Data("csv", f.toString(), yaml.toString(), 1, 0, 10, 0.1, 0);
        assertThat(mine.load().size()).isEqualTo(2);
        assertThat(mine.load().raw().classNames()).containsExactly("ok", "bad");

        EdgeConfig.Data nsl = new EdgeConfig.Data("csv", f.toString(), "nsl-kdd", 1, 0, 10, 0.1, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(nsl::load)
                .isInstanceOf(io.edgedistill.core.data.DataDescription.Mismatch.class)
                .hasMessageContaining("nsl-kdd");
    }
}
