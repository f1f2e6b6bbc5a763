package io.edgedistill.deploy.k8s;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgedistill.deploy.AclPlan;
import io.edgedistill.deploy.TopicPlan;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The Strimzi custom resources that follow from the project's plans, so that {@code topics.yaml} and {@code acls.yaml}
 * stay the single source of truth on Kubernetes too: a {@code KafkaTopic} per topic and a {@code KafkaUser} (SCRAM,
 * simple ACLs) per principal. Replication factors and {@code min.insync.replicas} are left to the cluster's defaults,
 * which each overlay sets.
 */
public final class StrimziResources {
    /** The Kafka cluster's name (deploy/k8s/base/kafka.yaml). */
    public static final String CLUSTER = "edgedistill";
    private static final String API = "kafka.strimzi.io/v1";
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private StrimziResources() {
    }

    /** One {@code KafkaTopic} per topic of the plan. */
    public static List<ObjectNode> topics(TopicPlan plan) {
        List<ObjectNode> out = new ArrayList<>();
        for (TopicPlan.Topic t : plan.topics()) {
            ObjectNode doc = resource("KafkaTopic", t.name());
            if (!t.description().isBlank()) {
                ((ObjectNode) doc.get("metadata")).putObject("annotations").put("edgedistill.io/description", t.description());
            }
            ObjectNode spec = doc.putObject("spec");
            spec.put("topicName", t.name());
            spec.put("partitions", t.partitions());
            ObjectNode config = spec.putObject("config");
            new java.util.TreeMap<>(t.config()).forEach((k, v) -> {
                if (!k.equals("min.insync.replicas")) {
                    config.put(k, v);
                }
            });
            out.add(doc);
        }
        return out;
    }

    /** One SCRAM {@code KafkaUser} with its ACLs per service principal of the plan and per edge id. */
    public static List<ObjectNode> users(AclPlan plan, List<String> edgeIds) {
        List<String> principals = new ArrayList<>(plan.servicePrincipals());
        principals.addAll(edgeIds.stream().map(AclPlan::requireEdgeId).toList());
        List<ObjectNode> out = new ArrayList<>();
        for (String p : principals) {
            ObjectNode doc = resource("KafkaUser", p);
            ObjectNode spec = doc.putObject("spec");
            spec.putObject("authentication").put("type", "scram-sha-512");
            ObjectNode authz = spec.putObject("authorization");
            authz.put("type", "simple");
            ArrayNode acls = authz.putArray("acls");
            // one ACL per resource pattern, with every operation the plan allows on it
            Map<String, List<String>> ops = new LinkedHashMap<>();
            Map<String, ObjectNode> resources = new LinkedHashMap<>();
            for (AclBinding b : plan.bindings(p)) {
                ObjectNode r = JSON.objectNode();
                r.put("type", resourceType(b.pattern().resourceType()));
                r.put("name", b.pattern().name());
                r.put("patternType", b.pattern().patternType() == PatternType.PREFIXED ? "prefix" : "literal");
                String key = r.toString();
                resources.putIfAbsent(key, r);
                ops.computeIfAbsent(key, k -> new ArrayList<>()).add(operation(b.entry().operation().name()));
            }
            resources.forEach((key, r) -> {
                ObjectNode acl = acls.addObject();
                acl.set("resource", r);
                ArrayNode o = acl.putArray("operations");
                ops.get(key).stream().distinct().forEach(o::add);
            });
            out.add(doc);
        }
        return out;
    }

    private static ObjectNode resource(String kind, String name) {
        ObjectNode doc = JSON.objectNode();
        doc.put("apiVersion", API);
        doc.put("kind", kind);
        ObjectNode meta = doc.putObject("metadata");
        meta.put("name", name);
        meta.putObject("labels").put("strimzi.io/cluster", CLUSTER);
        return doc;
    }

    private static String resourceType(ResourceType t) {
        return switch (t) {
            case TOPIC -> "topic";
            case GROUP -> "group";
            case TRANSACTIONAL_ID -> "transactionalId";
            case CLUSTER -> "cluster";
            default -> throw new IllegalArgumentException("no Strimzi ACL resource type for " + t);
        };
    }

    /** Kafka's operation name (DESCRIBE_CONFIGS) as Strimzi spells it (DescribeConfigs). */
    static String operation(String kafkaName) {
        StringBuilder sb = new StringBuilder();
        for (String part : kafkaName.toLowerCase(Locale.ROOT).split("_")) {
            sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        return sb.toString();
    }
}
