package io.edgedistill.console.feed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import io.edgedistill.console.view.Dashboard;
import io.edgedistill.schemas.client.KafkaClientSettings;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Consumer lag of every consumer group the console may describe: per group and topic, the sum over partitions of the
 * newest offset minus the group's committed one (read-committed, so transaction markers do not count as lag). On a
 * secured cluster the console's principal needs DESCRIBE on the groups (the ACL plan grants it).
 */
public final class GroupLag implements AutoCloseable {

    private final Admin admin;

    public GroupLag(KafkaClientSettings kafka) {
        Map<String, Object> cfg = new HashMap<>(kafka.common());
        cfg.put("client.id", "console-lag");
        this.admin = Admin.create(cfg);
    }

    /** Lag per group and topic, largest first. */
    public List<Dashboard.Lag> measure() throws Exception {
        List<String> groups = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(10, TimeUnit.SECONDS).stream()
                .map(GroupListing::groupId).sorted().toList();
        Map<String, Map<TopicPartition, OffsetAndMetadata>> committed = new TreeMap<>();
        for (String g : groups) {
            committed.put(g, admin.listConsumerGroupOffsets(g).partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS));
        }
        Map<TopicPartition, OffsetSpec> wanted = new HashMap<>();
        committed.values().forEach(m -> m.keySet().forEach(tp -> wanted.put(tp, OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = wanted.isEmpty() ? Map.of()
                : admin.listOffsets(wanted, new org.apache.kafka.clients.admin.ListOffsetsOptions(
                        org.apache.kafka.common.IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS);
        List<Dashboard.Lag> out = new ArrayList<>();
        committed.forEach((group, offsets) -> {
            Map<String, Long> byTopic = new TreeMap<>();
            offsets.forEach((tp, om) -> {
                ListOffsetsResult.ListOffsetsResultInfo end = ends.get(tp);
                if (om != null && end != null) {
                    byTopic.merge(tp.topic(), Math.max(0, end.offset() - om.offset()), Long::sum);
                }
            });
            byTopic.forEach((topic, lag) -> out.add(new Dashboard.Lag(group, topic, lag)));
        });
        out.sort(Comparator.comparingLong(Dashboard.Lag::lag).reversed().thenComparing(Dashboard.Lag::group)
                .thenComparing(Dashboard.Lag::topic));
        return out;
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
