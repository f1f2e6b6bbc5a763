package io.edgedistill.updater.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupAssignment;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.GroupSubscription;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor.Subscription;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/** One active member holds every partition; a joining standby moves nothing; a standby takes over when it leaves. */
class ActiveStandbyAssignorTest {
    private static final List<String> TOPICS = List.of("distill.synthetic-sets", "edge.knowledge");
    private static final TopicPartition SETS = new TopicPartition("distill.synthetic-sets", 0);
    private static final List<TopicPartition> ALL = List.of(SETS, new TopicPartition("edge.knowledge", 0),
            new TopicPartition("edge.knowledge", 1), new TopicPartition("edge.knowledge", 2));

    private final ActiveStandbyAssignor assignor = new ActiveStandbyAssignor();
    private final Cluster cluster = cluster();

    private static Cluster cluster() {
        Node n = new Node(1, "localhost", 9092);
        List<PartitionInfo> parts = ALL.stream()
                .map(tp -> new PartitionInfo(tp.topic(), tp.partition(), n, new Node[] {n}, new Node[] {n})).toList();
        return new Cluster("c", List.of(n), parts, java.util.Set.of(), java.util.Set.of());
    }

    private Map<String, List<TopicPartition>> assign(Map<String, List<TopicPartition>> owned) {
        Map<String, Subscription> members = new LinkedHashMap<>();
        owned.forEach((m, parts) -> members.put(m, new Subscription(TOPICS, null, parts)));
        GroupAssignment a = assignor.assign(cluster, new GroupSubscription(members));
        Map<String, List<TopicPartition>> out = new LinkedHashMap<>();
        a.groupAssignment().forEach((m, as) -> out.put(m, as.partitions()));
        return out;
    }

    @Test
    void aNewGroupMakesTheSmallestMemberIdActiveWithEveryPartition() {
        Map<String, List<TopicPartition>> a = assign(Map.of("updater-b", List.of(), "updater-a", List.of()));
        assertThat(a.get("updater-a")).containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(a.get("updater-b")).isEmpty();
    }

    @Test
    void aStandbyThatJoinsMovesNothing() {
        Map<String, List<TopicPartition>> a = assign(Map.of("updater-b", ALL, "updater-a", List.of()));
        assertThat(a.get("updater-b")).containsExactlyInAnyOrderElementsOf(ALL);
        assertThat(a.get("updater-a")).isEmpty();
    }

    @Test
    void theStandbyTakesEverythingWhenTheActiveMemberIsGone() {
        Map<String, List<TopicPartition>> a = assign(Map.of("updater-c", List.of()));
        assertThat(a.get("updater-c")).containsExactlyInAnyOrderElementsOf(ALL);
    }

    @Test
    void twoOwnersAfterASplitViewNeverGetAPartitionAnotherStillOwns() {
        Map<String, List<TopicPartition>> a = assign(Map.of("updater-a", List.of(SETS), "updater-b", ALL.subList(1, 4)));
        // b owns more and stays active; a must first give up SETS (cooperative), so b does not get it in this generation
        assertThat(a.get("updater-b")).containsExactlyInAnyOrderElementsOf(ALL.subList(1, 4));
        assertThat(a.get("updater-a")).isEmpty();
        // next generation: a owns nothing any more, b gets SETS too
        assertThat(assign(Map.of("updater-a", List.of(), "updater-b", ALL.subList(1, 4))).get("updater-b"))
                .containsExactlyInAnyOrderElementsOf(ALL);
    }
}
