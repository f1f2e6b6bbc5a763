package io.edgedistill.deploy.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.edgedistill.deploy.AclPlan;
import io.edgedistill.deploy.TopicPlan;
import io.edgedistill.schemas.Topics;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * The Kubernetes manifests of {@code deploy/k8s}, checked offline: the committed generated and rendered files are what
 * the plans and overlays give (drift), every custom resource validates against its vendored CRD's schema with unknown
 * fields refused, every core resource reads strictly into the typed Kubernetes model, the cross-references hold, and,
 * where {@code kubectl} is installed, it renders the overlays the same.
 */
class KubernetesManifestsTest {
    private static final Path K8S = Path.of("..", "k8s");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Secrets the operator creates (deploy/k8s/README.md, "Secrets"); the others come from Strimzi. */
    private static final Set<String> OPERATOR_SECRETS = Set.of("model-updater-signing", "edgedistill-traffic-master",
            "edge-example-keys");

    private static List<ObjectNode> rendered(String overlay) throws IOException {
        return Kustomize.read(K8S.resolve("rendered/" + overlay + ".yaml"));
    }

    private static List<ObjectNode> all() throws IOException {
        List<ObjectNode> docs = new ArrayList<>();
        for (String o : K8sMain.OVERLAYS) {
            docs.addAll(rendered(o));
        }
        return docs;
    }

    @Test
    void theCommittedFilesAreWhatThePlansAndOverlaysGive() throws Exception {
        for (Map.Entry<Path, String> f : K8sMain.files(K8S).entrySet()) {
            assertThat(Files.readString(f.getKey(), StandardCharsets.UTF_8)).as("%s is out of date: run ./edgedistill k8s render",
                    f.getKey()).isEqualTo(f.getValue());
        }
    }

    @Test
    void everyCustomResourceValidatesAgainstItsVendoredCrdWithUnknownFieldsRefused() throws Exception {
        Map<String, Schema> schemas = crdSchemas();
        int checked = 0;
        for (ObjectNode d : all()) {
            String key = d.path("apiVersion").asText() + "/" + d.path("kind").asText();
            if (d.path("apiVersion").asText().contains(".")) {
                Schema s = schemas.get(key);
                assertThat(s).as("a vendored CRD for %s", key).isNotNull();
                List<Error> errors = s.validate(JSON.writeValueAsString(d), InputFormat.JSON);
                assertThat(errors).as("%s %s", key, d.path("metadata").path("name").asText())
                        .extracting(Error::toString).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(2 * 20);

        // the validation has teeth: a misspelt field and a wrong enum value are refused
        ObjectNode kafka = all().stream().filter(d -> d.path("kind").asText().equals("Kafka")).findFirst().orElseThrow().deepCopy();
        ((ObjectNode) kafka.path("spec").path("kafka")).put("listner", "x");
        ((ObjectNode) kafka.path("spec").path("kafka").path("authorization")).put("type", "opa-ish");
        assertThat(schemas.get("kafka.strimzi.io/v1/Kafka").validate(JSON.writeValueAsString(kafka), InputFormat.JSON))
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void everyCoreResourceReadsStrictlyIntoTheKubernetesModel() throws Exception {
        Map<String, Class<?>> types = Map.of("Deployment", Deployment.class, "StatefulSet", StatefulSet.class,
                "Service", Service.class, "ConfigMap", ConfigMap.class, "Secret", Secret.class);
        ObjectMapper strict = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        int checked = 0;
        for (ObjectNode d : all()) {
            if (!d.path("apiVersion").asText().contains(".")) {
                Class<?> type = types.get(d.path("kind").asText());
                assertThat(type).as("a typed model for %s", d.path("kind").asText()).isNotNull();
                assertThat(unknownFields(strict.treeToValue(d, type))).as("%s %s", d.path("kind").asText(),
                        d.path("metadata").path("name").asText()).isEmpty();
                checked++;
            }
        }
        assertThat(checked).isGreaterThanOrEqualTo(2 * 7);
        // ... and a misspelt field is caught
        ObjectNode sts = all().stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow().deepCopy();
        ((ObjectNode) sts.path("spec")).put("replica", 2);
        assertThat(unknownFields(strict.treeToValue(sts, StatefulSet.class))).containsExactly("spec.replica");
    }

    @Test
    void theCrossReferencesHold() throws Exception {
        for (String overlay : K8sMain.OVERLAYS) {
            List<ObjectNode> docs = rendered(overlay);
            Set<String> users = names(docs, "KafkaUser");
            Set<String> topics = names(docs, "KafkaTopic");
            Map<String, Set<String>> configMaps = new HashMap<>();
            docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap")).forEach(d -> {
                Set<String> keys = new HashSet<>();
                d.path("data").fieldNames().forEachRemaining(keys::add);
                configMaps.put(d.path("metadata").path("name").asText(), keys);
            });
            // every topic the services use, and its dead-letter topic, is a KafkaTopic
            for (TopicPlan.Topic t : TopicPlan.standard((short) 3).topics()) {
                assertThat(topics).as(overlay).contains(t.name());
            }
            for (String t : List.of(Topics.ROUNDS, Topics.SUMMARIES, Topics.TRAFFIC, Topics.KNOWLEDGE, Topics.SYNTHETIC_SETS,
                    Topics.MODEL_UPDATES, Topics.ALERTS, Topics.STATUS, Topics.TRUST)) {
                assertThat(topics).as(overlay).contains(t, Topics.deadLetterTopic(t).equals(Topics.ALERTS + ".dlq") ? t
                        : Topics.deadLetterTopic(t));
            }
            // every principal of the plan has its KafkaUser
            assertThat(users).containsAll(AclPlan.standard().servicePrincipals()).contains("admin", "edge-example");
            for (ObjectNode d : docs) {
                for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                    String where = overlay + " " + d.path("metadata").path("name").asText();
                    String user = null;
                    for (JsonNode e : c.path("env")) {
                        if (e.path("name").asText().equals("EDGEDISTILL_KAFKA_SASL_USERNAME")) {
                            user = e.path("value").asText();
                        }
                        JsonNode secret = e.path("valueFrom").path("secretKeyRef");
                        if (!secret.isMissingNode()) {
                            String name = secret.path("name").asText();
                            assertThat(users.contains(name) || OPERATOR_SECRETS.contains(name))
                                    .as("%s: secret %s is a KafkaUser's or the operator's", where, name).isTrue();
                        }
                        JsonNode cm = e.path("valueFrom").path("configMapKeyRef");
                        if (!cm.isMissingNode()) {
                            assertThat(configMaps.get(cm.path("name").asText())).as("%s: config map %s", where, cm)
                                    .isNotNull().contains(cm.path("key").asText());
                        }
                    }
                    assertThat(user).as(where + ": its Kafka user").isNotNull();
                    assertThat(users).as(where).contains(user);
                    String password = null;
                    for (JsonNode e : c.path("env")) {
                        if (e.path("name").asText().equals("EDGEDISTILL_KAFKA_SASL_PASSWORD")) {
                            password = e.path("valueFrom").path("secretKeyRef").path("name").asText();
                        }
                    }
                    assertThat(password).as(where + ": the password is its own user's").isEqualTo(user);
                }
                for (JsonNode v : d.path("spec").path("template").path("spec").path("volumes")) {
                    if (v.has("configMap")) {
                        assertThat(configMaps).containsKey(v.path("configMap").path("name").asText());
                    }
                    if (v.has("secret")) {
                        assertThat(v.path("secret").path("secretName").asText()).isEqualTo("edgedistill-cluster-ca-cert");
                    }
                }
            }
        }
        // the production overlay's processor: two instances, one standby copy of every task's state
        ObjectNode sts = rendered("production").stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst()
                .orElseThrow();
        assertThat(sts.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(env(sts, "PROCESSOR_STREAMS_STANDBY_REPLICAS")).isEqualTo("1");
        // and two updaters, one active and one standby of the same group
        ObjectNode updater = rendered("production").stream().filter(d -> d.path("kind").asText().equals("Deployment")
                && d.path("metadata").path("name").asText().equals("model-updater")).findFirst().orElseThrow();
        assertThat(updater.path("spec").path("replicas").asInt()).isEqualTo(2);
        assertThat(updater.path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
        assertThat(env(updater, "UPDATER_KAFKA_GROUP_ID")).isNull();
        assertThat(env(updater, "UPDATER_KAFKA_SESSION_TIMEOUT_MS")).isEqualTo("15000");
        assertThat(OPERATOR_SECRETS).allSatisfy(s -> assertThat(Files.readString(K8S.resolve("README.md"))).contains(s));
    }

    /**
     * The keda overlay's {@code ScaledObject} scales the processor's StatefulSet on the lag of the processor's own consumer
     * group on {@code edge.traffic}, reached as the services reach the cluster, never beyond the topic's partitions, and
     * its authentication names only secrets that exist.
     */
    @Test
    void theKedaScaledObjectWatchesTheProcessorsGroupOnTheTrafficTopic() throws Exception {
        List<ObjectNode> docs = rendered("keda");
        ObjectNode so = docs.stream().filter(d -> d.path("kind").asText().equals("ScaledObject")).findFirst().orElseThrow();
        ObjectNode sts = docs.stream().filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow();
        assertThat(so.path("spec").path("scaleTargetRef").path("kind").asText()).isEqualTo("StatefulSet");
        assertThat(so.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo(sts.path("metadata").path("name").asText());
        JsonNode trigger = so.path("spec").path("triggers").path(0);
        assertThat(trigger.path("type").asText()).isEqualTo("kafka");
        JsonNode m = trigger.path("metadata");
        // the group is the Streams application id: the processor's default, not overridden in the StatefulSet
        assertThat(env(sts, "PROCESSOR_STREAMS_APPLICATION_ID")).isNull();
        assertThat(m.path("consumerGroup").asText()).isEqualTo("distill-processor");
        assertThat(Files.readString(K8S.resolve("../../distill-processor/README.md")))
                .contains("| `processor.streams.application-id` | String | `distill-processor` |");
        assertThat(m.path("topic").asText()).isEqualTo(Topics.TRAFFIC);
        ObjectNode clientConfig = docs.stream().filter(d -> d.path("metadata").path("name").asText().equals("edgedistill-kafka-client"))
                .findFirst().orElseThrow();
        assertThat(m.path("bootstrapServers").asText()).isEqualTo(clientConfig.path("data").path("bootstrap-servers").asText());
        int partitions = docs.stream().filter(d -> d.path("kind").asText().equals("KafkaTopic")
                        && d.path("spec").path("topicName").asText().equals(Topics.TRAFFIC))
                .findFirst().orElseThrow().path("spec").path("partitions").asInt();
        assertThat(so.path("spec").path("maxReplicaCount").asInt()).isBetween(1, partitions);
        // the autoscaler owns the instance count (an apply does not reset it), from production's two instances up
        assertThat(sts.path("spec").has("replicas")).isFalse();
        assertThat(so.path("spec").path("minReplicaCount").asInt()).isEqualTo(rendered("production").stream()
                .filter(d -> d.path("kind").asText().equals("StatefulSet")).findFirst().orElseThrow()
                .path("spec").path("replicas").asInt());

        ObjectNode auth = docs.stream().filter(d -> d.path("kind").asText().equals("TriggerAuthentication")
                && d.path("metadata").path("name").asText().equals(trigger.path("authenticationRef").path("name").asText()))
                .findFirst().orElseThrow();
        Set<String> users = names(docs, "KafkaUser");
        Set<String> secrets = names(docs, "Secret");
        Set<String> params = new HashSet<>();
        for (JsonNode ref : auth.path("spec").path("secretTargetRef")) {
            String name = ref.path("name").asText();
            assertThat(users.contains(name) || secrets.contains(name) || name.equals("edgedistill-cluster-ca-cert"))
                    .as("secret %s is a KafkaUser's, the cluster CA's or in the overlay", name).isTrue();
            params.add(ref.path("parameter").asText());
        }
        assertThat(params).contains("sasl", "username", "password", "tls", "ca");
    }

    /**
     * Every container runs the image its module's Jib configuration builds, and every environment variable it sets is
     * a configuration key that service declares (Micronaut reads {@code PROCESSOR_STREAMS_STATE_DIR} as
     * {@code processor.streams.state-dir}), so no setting is silently ignored. A service's keys are its README's
     * configuration table, which each module's {@code ConfigurationDocsTest} holds equal to its declarations.
     */
    @Test
    void everyContainerRunsItsModulesImageAndSetsOnlyDeclaredKeys() throws Exception {
        Path root = K8S.resolve("../..");
        java.util.regex.Matcher v = java.util.regex.Pattern.compile(
                "<artifactId>edgedistill-parent</artifactId>\\s*<version>([^<]+)</version>").matcher(Files.readString(root.resolve("pom.xml")));
        assertThat(v.find()).isTrue();
        int containers = 0;
        for (String overlay : K8sMain.OVERLAYS) {
            for (ObjectNode d : rendered(overlay)) {
                for (JsonNode c : d.path("spec").path("template").path("spec").path("containers")) {
                    String image = c.path("image").asText();
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("edgedistill/([a-z-]+):(.+)").matcher(image);
                    assertThat(m.matches()).as(image).isTrue();
                    String module = m.group(1);
                    assertThat(Files.readString(root.resolve(module + "/pom.xml"))).as("%s builds %s", module, image)
                            .contains("<to><image>edgedistill/" + module + ":${project.version}</image></to>");
                    assertThat(m.group(2)).isEqualTo(v.group(1));
                    Set<String> declared = new HashSet<>();
                    java.util.regex.Matcher row = java.util.regex.Pattern.compile("(?m)^\\| `([a-z][a-z0-9.-]+)` \\|")
                            .matcher(Files.readString(root.resolve(module + "/README.md")));
                    while (row.find()) {
                        declared.add(envName(row.group(1)));
                    }
                    for (JsonNode e : c.path("env")) {
                        assertThat(declared).as("%s %s: %s is a declared key", overlay, module, e.path("name").asText())
                                .contains(e.path("name").asText());
                    }
                    containers++;
                }
            }
        }
        assertThat(containers).isEqualTo(K8sMain.OVERLAYS.size() * 3);
    }

    /** Micronaut's environment-variable form of a key. */
    private static String envName(String key) {
        return key.replaceAll("[.-]", "_").toUpperCase(java.util.Locale.ROOT);
    }

    @Test
    @EnabledIf("kubectlInstalled")
    void kubectlRendersTheOverlaysTheSame() throws Exception {
        for (String overlay : K8sMain.OVERLAYS) {
            Process p = new ProcessBuilder("kubectl", "kustomize", K8S.resolve("overlays/" + overlay).toString())
                    .redirectErrorStream(false).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isZero();
            Path tmp = Files.createTempFile("kustomize-" + overlay, ".yaml");
            Files.write(tmp, out);
            assertThat(byKindAndName(Kustomize.read(tmp))).as(overlay).isEqualTo(byKindAndName(rendered(overlay)));
            Files.delete(tmp);
        }
    }

    static boolean kubectlInstalled() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, JsonNode> byKindAndName(List<ObjectNode> docs) {
        Map<String, JsonNode> m = new HashMap<>();
        docs.forEach(d -> m.put(d.path("kind").asText() + "/" + d.path("metadata").path("name").asText(), d));
        return m;
    }

    private static String env(ObjectNode d, String name) {
        for (JsonNode e : d.path("spec").path("template").path("spec").path("containers").path(0).path("env")) {
            if (e.path("name").asText().equals(name)) {
                return e.path("value").asText();
            }
        }
        return null;
    }

    private static Set<String> names(List<ObjectNode> docs, String kind) {
        Set<String> out = new TreeSet<>();
        docs.stream().filter(d -> d.path("kind").asText().equals(kind)).forEach(d -> out.add(d.path("metadata").path("name").asText()));
        return out;
    }

    /** The schema of every vendored CRD version, by {@code group/version/kind}, with unknown fields refused. */
    private static Map<String, Schema> crdSchemas() throws IOException {
        Map<String, Schema> out = new HashMap<>();
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4);
        try (var files = Files.list(K8S.resolve("crds"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                for (ObjectNode crd : Kustomize.read(f)) {
                    String group = crd.path("spec").path("group").asText();
                    String kind = crd.path("spec").path("names").path("kind").asText();
                    for (JsonNode v : crd.path("spec").path("versions")) {
                        ObjectNode schema = v.path("schema").path("openAPIV3Schema").deepCopy();
                        // the API server itself checks these three at the top; not every CRD declares them
                        ObjectNode props = schema.with("properties");
                        if (!props.has("apiVersion")) {
                            props.putObject("apiVersion").put("type", "string");
                            props.putObject("kind").put("type", "string");
                        }
                        if (!props.has("metadata")) {
                            props.putObject("metadata").put("type", "object");
                        }
                        closeObjects(schema);
                        out.put(group + "/" + v.path("name").asText() + "/" + kind,
                                registry.getSchema(JSON.writeValueAsString(schema), InputFormat.JSON));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Refuses fields a schema does not declare, as the API server prunes them (a misspelt field would silently do
     * nothing): {@code additionalProperties: false} on every object schema with properties, unless it keeps unknown
     * fields. The Kubernetes extensions ({@code x-kubernetes-*}) and {@code nullable} are not JSON-schema keywords.
     */
    private static void closeObjects(JsonNode n) {
        if (n instanceof ObjectNode o) {
            if (o.has("properties") && !o.has("additionalProperties")
                    && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
                o.put("additionalProperties", false);
            }
            if (o.path("x-kubernetes-int-or-string").asBoolean(false)) {
                o.remove("type");
            }
            for (Iterator<JsonNode> it = o.elements(); it.hasNext(); ) {
                closeObjects(it.next());
            }
        } else if (n != null && n.isArray()) {
            n.forEach(KubernetesManifestsTest::closeObjects);
        }
    }

    /**
     * The fields the typed model did not know (each model class keeps them in {@code additionalProperties} rather
     * than failing), as dotted paths.
     */
    static List<String> unknownFields(Object model) throws Exception {
        List<String> out = new ArrayList<>();
        walk(model, "", out, new IdentityHashMap<>());
        return out;
    }

    private static void walk(Object o, String path, List<String> out, IdentityHashMap<Object, Boolean> seen) throws Exception {
        if (o == null || seen.put(o, true) != null) {
            return;
        }
        if (o instanceof Iterable<?> it) {
            for (Object e : it) {
                walk(e, path, out, seen);
            }
            return;
        }
        if (o instanceof Map<?, ?> m) {
            for (Object e : m.values()) {
                walk(e, path, out, seen);
            }
            return;
        }
        if (!o.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method g : o.getClass().getMethods()) {
            if (g.getParameterCount() != 0 || g.getDeclaringClass() == Object.class || !g.getName().startsWith("get")) {
                continue;
            }
            Object v = g.invoke(o);
            String field = Character.toLowerCase(g.getName().charAt(3)) + g.getName().substring(4);
            if (g.getName().equals("getAdditionalProperties")) {
                ((Map<?, ?>) v).keySet().forEach(k -> out.add(path.isEmpty() ? String.valueOf(k) : path + "." + k));
            } else {
                walk(v, path.isEmpty() ? field : path + "." + field, out, seen);
            }
        }
    }

}
