package io.edgedistill.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

/** The ACL plan as data: what the shipped plan grants, the edge template, and refused plan files. */
class AclPlanTest {

    private final AclPlan plan = AclPlan.standard();

    @Test
    void theShippedPlanHasTheServicePrincipalsAndAnEdgeTemplate() {
        assertThat(plan.servicePrincipals()).containsExactly("distill-processor", "model-updater", "console", "operator");
        List<String> edge = plan.bindings("edge-7").stream().map(AclPlanTest::describe).toList();
        assertThat(edge).contains("User:edge-7 WRITE TOPIC LITERAL edge.summaries", "User:edge-7 READ TOPIC LITERAL models.updates",
                "User:edge-7 READ GROUP PREFIXED edge-7.");
        assertThat(edge).noneMatch(b -> b.endsWith("WRITE TOPIC LITERAL models.updates") || b.contains("synthetic-sets")
                || b.contains("READ TOPIC LITERAL edge."));
        assertThat(plan.bindings("model-updater")).noneMatch(b -> b.pattern().name().equals("distill.rounds")
                && b.entry().operation() == AclOperation.WRITE);
        assertThat(plan.bindings("distill-processor")).anyMatch(b -> b.pattern().resourceType() == ResourceType.TRANSACTIONAL_ID
                && b.pattern().patternType() == PatternType.PREFIXED && b.entry().operation() == AclOperation.WRITE);
        // every binding is an ALLOW from any host; nothing for principals the plan does not name
        assertThat(plan.bindings(List.of("edge-1"))).allMatch(b -> b.entry().host().equals("*"));
        assertThat(plan.bindings(List.of("edge-1")).stream().map(b -> b.entry().principal()).collect(Collectors.toSet()))
                .containsExactlyInAnyOrder("User:distill-processor", "User:model-updater", "User:console", "User:operator", "User:edge-1");
        // the console reads and describes; it writes nothing and joins no group
        assertThat(plan.bindings("console")).noneMatch(b -> b.entry().operation() == AclOperation.WRITE
                || b.pattern().resourceType() == ResourceType.GROUP && b.entry().operation() == AclOperation.READ);
        assertThat(plan.bindings("console").stream().map(AclPlanTest::describe))
                .contains("User:console READ TOPIC LITERAL edge.status", "User:console DESCRIBE GROUP LITERAL *");
    }

    @Test
    void edgeIdsAreCheckedBecauseTheyAreAlsoPrincipalNames() {
        assertThatThrownBy(() -> AclPlan.requireEdgeId("admin")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> AclPlan.requireEdgeId("edge-1.x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plan.bindings(List.of("edge-*"))).isInstanceOf(IllegalArgumentException.class);
        assertThat(AclPlan.requireEdgeId("edge-07_b")).isEqualTo("edge-07_b");
    }

    @Test
    void badPlanFilesAreRefused() {
        assertThatThrownBy(() -> parse("""
                principals:
                  p: {allow: [{operations: [FLY], topics: [t]}]}
                edges: {allow: []}
                """)).hasMessageContaining("unknown operation FLY");
        assertThatThrownBy(() -> parse("""
                principals:
                  p: {allow: [{operations: [READ], topics: [t], groupPrefix: g}]}
                edges: {allow: []}
                """)).hasMessageContaining("exactly one kind of resource");
        assertThatThrownBy(() -> parse("""
                principals:
                  p: {allow: [{operations: [READ], topics: ["{edge}"]}]}
                edges: {allow: []}
                """)).hasMessageContaining("only for the edges template");
        assertThatThrownBy(() -> parse("""
                principals:
                  edge-1: {allow: []}
                edges: {allow: []}
                """)).hasMessageContaining("edge id");
        assertThatThrownBy(() -> parse("""
                principals:
                  p: {allow: [{operations: [READ], topic: [t]}]}
                edges: {allow: []}
                """)).isInstanceOf(Exception.class);
    }

    private static AclPlan parse(String yaml) throws Exception {
        return AclPlan.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static String describe(AclBinding b) {
        return b.entry().principal() + " " + b.entry().operation() + " " + b.pattern().resourceType() + " "
                + b.pattern().patternType() + " " + b.pattern().name();
    }
}
