package io.edgedistill.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;

/**
 * The declarative topic list ({@code topics.yaml}) and its idempotent application: missing topics are
 * created, existing ones get their configuration and partition count brought up to the plan.
 */
public final class TopicPlan {

    /** One topic of the plan. */
    public record Topic(String name, int partitions, short replicationFactor, Map<String, String> config, String description) {
        public boolean compacted() {
            return config.getOrDefault("cleanup.policy", "delete").contains("compact");
        }
    }

    /** What {@link #apply} did. */
    public record Result(List<String> created, List<String> updated, List<String> unchanged) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Yaml {
        public Defaults defaults = new Defaults();
        public List<YamlTopic> topics = new ArrayList<>();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Defaults {
        public int partitions = 3;
        public Map<String, String> config = new LinkedHashMap<>();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class YamlTopic {
        public String name;
        public Integer partitions;
        public String description = "";
        public Map<String, String> config = new LinkedHashMap<>();
    }

    private final List<Topic> topics;

    private TopicPlan(List<Topic> topics) {
        this.topics = List.copyOf(topics);
    }

    /** The plan shipped with the project ({@code deploy/src/main/resources/topics.yaml}). */
    public static TopicPlan standard(short replicationFactor) {
        try (InputStream in = TopicPlan.class.getClassLoader().getResourceAsStream("topics.yaml")) {
            if (in == null) {
                throw new StackException("topics.yaml is not on the class path");
            }
            return parse(in, replicationFactor);
        } catch (IOException e) {
            throw new StackException("Cannot read topics.yaml", e);
        }
    }

    public static TopicPlan load(Path file, short replicationFactor) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in, replicationFactor);
        } catch (IOException e) {
            throw new StackException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static TopicPlan parse(InputStream in, short replicationFactor) throws IOException {
        Yaml yaml = new ObjectMapper(new YAMLFactory()).readValue(in, Yaml.class);
        List<Topic> topics = new ArrayList<>();
        for (YamlTopic t : yaml.topics) {
            if (t.name == null || t.name.isBlank()) {
                throw new StackException("topics.yaml: a topic has no name");
            }
            Map<String, String> config = new LinkedHashMap<>(yaml.defaults.config);
            config.putAll(t.config);
            if (replicationFactor > 1) {
                config.put("min.insync.replicas", String.valueOf(Math.min(2, replicationFactor - 1)));
            }
            topics.add(new Topic(t.name, t.partitions != null ? t.partitions : yaml.defaults.partitions, replicationFactor,
                    config, t.description));
        }
        return new TopicPlan(topics);
    }

    public List<Topic> topics() {
        return topics;
    }

    public Topic topic(String name) {
        return topics.stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no topic " + name + " in the plan"));
    }

    /** Creates what is missing and aligns what exists. Safe to run on every start. */
    public Result apply(Admin admin) {
        try {
            Set<String> existing = admin.listTopics().names().get();
            List<String> created = new ArrayList<>();
            List<String> updated = new ArrayList<>();
            List<String> unchanged = new ArrayList<>();
            List<NewTopic> toCreate = topics.stream().filter(t -> !existing.contains(t.name()))
                    .map(t -> new NewTopic(t.name(), t.partitions(), t.replicationFactor()).configs(t.config()))
                    .collect(Collectors.toList());
            if (!toCreate.isEmpty()) {
                admin.createTopics(toCreate).all().get();
                toCreate.forEach(t -> created.add(t.name()));
            }
            List<Topic> present = topics.stream().filter(t -> existing.contains(t.name())).toList();
            if (!present.isEmpty()) {
                Map<String, TopicDescription> described = admin.describeTopics(present.stream().map(Topic::name).toList())
                        .allTopicNames().get();
                Map<ConfigResource, Collection<AlterConfigOp>> alters = new HashMap<>();
                Map<String, NewPartitions> grow = new HashMap<>();
                Map<ConfigResource, org.apache.kafka.clients.admin.Config> current = admin.describeConfigs(present.stream()
                        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t.name())).toList()).all().get();
                for (Topic t : present) {
                    ConfigResource res = new ConfigResource(ConfigResource.Type.TOPIC, t.name());
                    List<AlterConfigOp> ops = new ArrayList<>();
                    t.config().forEach((k, v) -> {
                        ConfigEntry e = current.get(res).get(k);
                        if (e == null || !v.equals(e.value())) {
                            ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET));
                        }
                    });
                    if (!ops.isEmpty()) {
                        alters.put(res, ops);
                    }
                    if (described.get(t.name()).partitions().size() < t.partitions()) {
                        grow.put(t.name(), NewPartitions.increaseTo(t.partitions()));
                    }
                    if (ops.isEmpty() && !grow.containsKey(t.name())) {
                        unchanged.add(t.name());
                    } else {
                        updated.add(t.name());
                    }
                }
                if (!alters.isEmpty()) {
                    admin.incrementalAlterConfigs(alters).all().get();
                }
                if (!grow.isEmpty()) {
                    admin.createPartitions(grow).all().get();
                }
            }
            return new Result(created, updated, unchanged);
        } catch (ExecutionException e) {
            throw new StackException("Applying the topic plan failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while applying the topic plan", e);
        }
    }
}
