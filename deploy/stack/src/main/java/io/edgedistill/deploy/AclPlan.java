package io.edgedistill.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The declarative ACL plan ({@code acls.yaml}): the service principals, the per-edge template, and its idempotent
 * application: for every principal of the plan (and every edge named), missing bindings are created and bindings
 * the plan does not list are deleted. Bindings of other principals are left alone.
 */
public final class AclPlan {

    /** Edge ids, which are also the edges' principal names: {@code edge-} then letters, digits, '-' or '_'. */
    public static final Pattern EDGE_ID = Pattern.compile("edge-[A-Za-z0-9_-]+");
    static final String EDGE_PLACEHOLDER = "{edge}";

    /** What {@link #apply} did. */
    public record Result(List<AclBinding> created, List<AclBinding> deleted, int unchanged) {
        public boolean changed() {
            return !created.isEmpty() || !deleted.isEmpty();
        }
    }

    /** One rule: operations on one resource pattern (names may hold {@code {edge}}). */
    public record Rule(ResourceType type, PatternType patternType, List<String> names, List<AclOperation> operations) {
    }

    /** A principal's description and rules. */
    public record Role(String description, List<Rule> rules) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Yaml {
        public Map<String, YamlRole> principals = new LinkedHashMap<>();
        public YamlRole edges;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class YamlRole {
        public String description = "";
        public List<YamlRule> allow = new ArrayList<>();
    }

    static final class YamlRule {
        public List<String> operations = new ArrayList<>();
        public List<String> topics;
        public String topicPrefix;
        public List<String> groups;
        public String groupPrefix;
        public List<String> transactionalIds;
        public String transactionalIdPrefix;
    }

    private final Map<String, Role> principals;
    private final Role edges;

    private AclPlan(Map<String, Role> principals, Role edges) {
        this.principals = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(principals));
        this.edges = edges;
    }

    /** The plan shipped with the project ({@code deploy/stack/src/main/resources/acls.yaml}). */
    public static AclPlan standard() {
        try (InputStream in = AclPlan.class.getClassLoader().getResourceAsStream("acls.yaml")) {
            if (in == null) {
                throw new StackException("acls.yaml is not on the class path");
            }
            return parse(in);
        } catch (IOException e) {
            throw new StackException("Cannot read acls.yaml", e);
        }
    }

    public static AclPlan load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return parse(in);
        } catch (IOException e) {
            throw new StackException("Cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static AclPlan parse(InputStream in) throws IOException {
        Yaml yaml = new ObjectMapper(new YAMLFactory()).readValue(in, Yaml.class);
        Map<String, Role> principals = new LinkedHashMap<>();
        yaml.principals.forEach((name, role) -> {
            if (!name.matches("[A-Za-z0-9_-]+") || EDGE_ID.matcher(name).matches()) {
                throw new StackException("acls.yaml: principal '" + name + "' must be [A-Za-z0-9_-]+ and not look like an edge id");
            }
            principals.put(name, role(name, role, false));
        });
        if (yaml.edges == null) {
            throw new StackException("acls.yaml: no 'edges' template");
        }
        return new AclPlan(principals, role("edges", yaml.edges, true));
    }

    private static Role role(String name, YamlRole y, boolean template) {
        List<Rule> rules = new ArrayList<>();
        for (YamlRule r : y.allow) {
            List<AclOperation> ops = new ArrayList<>();
            for (String op : r.operations) {
                AclOperation o = AclOperation.fromString(op.trim());
                if (o == AclOperation.UNKNOWN || o == AclOperation.ANY) {
                    throw new StackException("acls.yaml: " + name + ": unknown operation " + op);
                }
                ops.add(o);
            }
            if (ops.isEmpty()) {
                throw new StackException("acls.yaml: " + name + ": a rule without operations");
            }
            List<Rule> kinds = new ArrayList<>();
            if (r.topics != null) {
                kinds.add(new Rule(ResourceType.TOPIC, PatternType.LITERAL, List.copyOf(r.topics), ops));
            }
            if (r.topicPrefix != null) {
                kinds.add(new Rule(ResourceType.TOPIC, PatternType.PREFIXED, List.of(r.topicPrefix), ops));
            }
            if (r.groups != null) {
                kinds.add(new Rule(ResourceType.GROUP, PatternType.LITERAL, List.copyOf(r.groups), ops));
            }
            if (r.groupPrefix != null) {
                kinds.add(new Rule(ResourceType.GROUP, PatternType.PREFIXED, List.of(r.groupPrefix), ops));
            }
            if (r.transactionalIds != null) {
                kinds.add(new Rule(ResourceType.TRANSACTIONAL_ID, PatternType.LITERAL, List.copyOf(r.transactionalIds), ops));
            }
            if (r.transactionalIdPrefix != null) {
                kinds.add(new Rule(ResourceType.TRANSACTIONAL_ID, PatternType.PREFIXED, List.of(r.transactionalIdPrefix), ops));
            }
            if (kinds.size() != 1) {
                throw new StackException("acls.yaml: " + name + ": every rule names exactly one kind of resource, not " + kinds.size());
            }
            Rule rule = kinds.get(0);
            for (String n : rule.names()) {
                if (n == null || n.isBlank()) {
                    throw new StackException("acls.yaml: " + name + ": an empty resource name");
                }
                if (!template && n.contains(EDGE_PLACEHOLDER)) {
                    throw new StackException("acls.yaml: " + name + ": " + EDGE_PLACEHOLDER + " is only for the edges template");
                }
                if (rule.patternType() == PatternType.PREFIXED && n.equals("*")) {
                    throw new StackException("acls.yaml: " + name + ": a prefix cannot be '*'");
                }
            }
            rules.add(rule);
        }
        return new Role(y.description == null ? "" : y.description.trim(), List.copyOf(rules));
    }

    /** The service principals of the plan (not the edges), in plan order. */
    public Set<String> servicePrincipals() {
        return principals.keySet();
    }

    public Role role(String principal) {
        if (EDGE_ID.matcher(principal).matches()) {
            return edges;
        }
        Role r = principals.get(principal);
        if (r == null) {
            throw new IllegalArgumentException("no principal " + principal + " in the ACL plan");
        }
        return r;
    }

    public static String requireEdgeId(String edgeId) {
        if (edgeId == null || !EDGE_ID.matcher(edgeId).matches()) {
            throw new IllegalArgumentException("an edge id is 'edge-' followed by letters, digits, '-' or '_' (it is also the "
                    + "edge's principal name), not '" + edgeId + "'");
        }
        return edgeId;
    }

    /** The bindings of one principal (a service principal of the plan or an edge id). */
    public List<AclBinding> bindings(String principal) {
        String kafkaPrincipal = "User:" + principal;
        List<AclBinding> out = new ArrayList<>();
        for (Rule r : role(principal).rules()) {
            for (String name : r.names()) {
                String resolved = name.replace(EDGE_PLACEHOLDER, principal);
                for (AclOperation op : r.operations()) {
                    out.add(new AclBinding(new ResourcePattern(r.type(), resolved, r.patternType()),
                            new AccessControlEntry(kafkaPrincipal, "*", op, AclPermissionType.ALLOW)));
                }
            }
        }
        return out;
    }

    /** Every binding for the service principals and the given edges. */
    public Set<AclBinding> bindings(Collection<String> edgeIds) {
        Set<AclBinding> all = new LinkedHashSet<>();
        for (String p : principals.keySet()) {
            all.addAll(bindings(p));
        }
        for (String e : edgeIds) {
            all.addAll(bindings(requireEdgeId(e)));
        }
        return all;
    }

    /**
     * Creates the missing bindings of the service principals and of {@code edgeIds}, and deletes the bindings of
     * those principals that the plan does not list (drift). Safe to run on every start.
     */
    public Result apply(Admin admin, Collection<String> edgeIds) {
        Set<AclBinding> desired = bindings(edgeIds);
        Set<String> managed = new LinkedHashSet<>();
        desired.forEach(b -> managed.add(b.entry().principal()));
        principals.keySet().forEach(p -> managed.add("User:" + p));
        try {
            Collection<AclBinding> existing = admin.describeAcls(AclBindingFilter.ANY).values().get();
            List<AclBinding> toCreate = desired.stream().filter(b -> !existing.contains(b)).toList();
            List<AclBinding> toDelete = existing.stream()
                    .filter(b -> managed.contains(b.entry().principal()) && !desired.contains(b)).toList();
            if (!toDelete.isEmpty()) {
                admin.deleteAcls(toDelete.stream().map(AclPlan::exactFilter).toList()).all().get();
            }
            if (!toCreate.isEmpty()) {
                admin.createAcls(toCreate).all().get();
            }
            if (!toCreate.isEmpty() || !toDelete.isEmpty()) {
                awaitVisible(admin, desired, toDelete);
            }
            return new Result(toCreate, toDelete, desired.size() - toCreate.size());
        } catch (ExecutionException e) {
            throw new StackException("Applying the ACL plan failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("Interrupted while applying the ACL plan", e);
        }
    }

    /**
     * ACL changes are committed by the controller and reach the broker's authorizer through the metadata log; the
     * broker answers DescribeAcls from its authorizer, so once it shows the plan, requests are authorised by it.
     */
    private static void awaitVisible(Admin admin, Set<AclBinding> desired, List<AclBinding> deleted)
            throws ExecutionException, InterruptedException {
        try {
            Awaitility.await("the ACL plan").atMost(Duration.ofSeconds(30)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).pollInSameThread().until(() -> {
                        Collection<AclBinding> now = admin.describeAcls(AclBindingFilter.ANY).values().get();
                        return now.containsAll(desired) && deleted.stream().noneMatch(now::contains);
                    });
        } catch (ConditionTimeoutException e) {
            throw new StackException("The broker did not show the ACL plan within 30 s", e);
        }
    }

    private static AclBindingFilter exactFilter(AclBinding b) {
        ResourcePattern p = b.pattern();
        AccessControlEntry e = b.entry();
        return new AclBindingFilter(new ResourcePatternFilter(p.resourceType(), p.name(), p.patternType()),
                new AccessControlEntryFilter(e.principal(), e.host(), e.operation(), e.permissionType()));
    }
}
