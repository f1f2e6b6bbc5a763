package io.edgedistill.updater.kafka;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.ConsumerPartitionAssignor;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Active/standby for the updater's consumer group: every partition of the subscribed topics goes to one member, the
 * <em>active</em> instance, and the other members get none and wait as standbys. The updater is the fleet's single
 * signer, so only one instance may train and publish: it numbers model versions, decides canaries and keeps the
 * cohorts' ledgers, which two instances that split the partitions would each do differently.
 *
 * <p>The active member stays active while it is in the group: a member that already owns partitions keeps them, so a
 * standby that joins (or rejoins) moves nothing. When the active member leaves or its session times out, the member
 * with the smallest member id becomes active. The protocol is cooperative: a partition is never assigned to a member
 * while another member still owns it.
 */
public final class ActiveStandbyAssignor implements ConsumerPartitionAssignor {
    /** The name in the group protocol. */
    public static final String NAME = "edgedistill-active-standby";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public List<RebalanceProtocol> supportedProtocols() {
        return List.of(RebalanceProtocol.COOPERATIVE);
    }

    @Override
    public GroupAssignment assign(Cluster metadata, GroupSubscription groupSubscription) {
        Map<String, Subscription> members = groupSubscription.groupSubscription();
        List<TopicPartition> all = new ArrayList<>();
        members.values().stream().flatMap(s -> s.topics().stream()).distinct().sorted().forEach(topic -> {
            List<PartitionInfo> parts = metadata.partitionsForTopic(topic);
            if (parts != null) {
                parts.stream().map(p -> new TopicPartition(topic, p.partition()))
                        .sorted(Comparator.comparingInt(TopicPartition::partition)).forEach(all::add);
            }
        });
        Map<String, Assignment> out = new HashMap<>();
        String active = chooseActive(members);
        List<TopicPartition> taken = new ArrayList<>(all);
        for (Map.Entry<String, Subscription> m : members.entrySet()) {
            if (!m.getKey().equals(active)) {
                // a standby gets nothing; should it still own partitions (two actives after a split view of the group),
                // the cooperative protocol revokes them now and the next rebalance gives them to the active member:
                // a partition is never assigned while another member owns it
                out.put(m.getKey(), new Assignment(List.of()));
                taken.removeAll(m.getValue().ownedPartitions());
            }
        }
        if (active != null) {
            out.put(active, new Assignment(taken));
        }
        return new GroupAssignment(out);
    }

    /** The member that owns the most partitions now; when none owns any, the smallest member id. */
    static String chooseActive(Map<String, Subscription> members) {
        return members.entrySet().stream()
                .max(Comparator.<Map.Entry<String, Subscription>>comparingInt(e -> e.getValue().ownedPartitions().size())
                        .thenComparing(Map.Entry::getKey, Comparator.reverseOrder()))
                .map(Map.Entry::getKey).orElse(null);
    }

    @Override
    public void onAssignment(Assignment assignment, ConsumerGroupMetadata metadata) {
        // the consumer itself tracks what it owns (ownedPartitions in the next subscription)
    }
}
