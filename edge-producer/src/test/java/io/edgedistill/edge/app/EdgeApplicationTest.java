package io.edgedistill.edge.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;

import picocli.CommandLine;
import org.junit.jupiter.api.Test;

class EdgeApplicationTest {

    @Test
    void helpPrintsTheOptionsAndThenEveryConfigurationKeyWithItsDefaultAndSucceeds() {
        StringWriter out = new StringWriter();
        CommandLine cl = EdgeApplication.commandLine(new EdgeApplication());
        cl.setOut(new PrintWriter(out));

        int rc = cl.execute("--help");

        String help = out.toString();
        assertThat(rc).isZero();
        assertThat(help).startsWith("Usage: edge ").contains("--bootstrap", "--client-properties", "--trusted-key");
        assertThat(help.indexOf("--trusted-key")).as("options first").isLessThan(help.indexOf("edgedistill.kafka."));
        assertThat(help).contains("Usage: ./edgedistill edge", "edgedistill.kafka.bootstrap-servers",
                "edge.task-id", "5g-nidd-attacks", "edge.traffic.buffer-memory", "edge.score-batch");
    }

    @Test
    void connectionOptionsSetTheSharedKafkaClientKeys() {
        EdgeApplication app = new EdgeApplication();
        new CommandLine(app).parseArgs("--bootstrap", "broker:9094", "--registry", "http://r/apis/registry/v3",
                "--client-properties", "/etc/edge-3.properties", "--edge-id", "edge-3", "--no-traffic");

        assertThat(app.properties()).containsEntry("edgedistill.kafka.bootstrap-servers", "broker:9094")
                .containsEntry("edgedistill.kafka.registry-url", "http://r/apis/registry/v3")
                .containsEntry("edgedistill.kafka.client-properties", "/etc/edge-3.properties")
                .containsEntry("edge.id", "edge-3").containsEntry("edge.traffic.enabled", false)
                .doesNotContainKeys("edge.kafka.bootstrap-servers");
    }
}
