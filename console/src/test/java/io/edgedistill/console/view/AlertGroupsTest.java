package io.edgedistill.console.view;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class AlertGroupsTest {

    private static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");
    private static final AlertGroups.Key UDP_ON_1 = new AlertGroups.Key("edge-01", "UDPFlood", "EDGE");

    @Test
    void aBurstWithinTheWindowIsOneAlertAndAGapStartsAnother() {
        AlertGroups g = new AlertGroups(Duration.ofSeconds(60), 100);
        for (int i = 0; i < 50; i++) {
            g.add(UDP_ON_1, "NETWORK_ATTACK", 0.5 + i / 100.0, "flow " + i, T0.plusSeconds(i));
        }
        g.add(UDP_ON_1, "NETWORK_ATTACK", 0.9, "later", T0.plusSeconds(49 + 61));

        assertThat(g.alerts()).isEqualTo(51);
        assertThat(g.groups()).hasSize(2);
        AlertGroups.Group burst = g.groups().get(1);
        assertThat(burst.count()).isEqualTo(50);
        assertThat(burst.first()).isEqualTo(T0);
        assertThat(burst.last()).isEqualTo(T0.plusSeconds(49));
        assertThat(burst.maxScore()).isEqualTo(0.99);
        assertThat(burst.detail()).isEqualTo("flow 49");
        assertThat(burst.firing(T0.plusSeconds(100), g.window())).isTrue();
        assertThat(burst.firing(T0.plusSeconds(110), g.window())).isFalse();
    }

    @Test
    void keysAreEdgeClassAndSourceAndLateAlertsJoinTheirGroup() {
        AlertGroups g = new AlertGroups(Duration.ofSeconds(10), 100);
        g.add(UDP_ON_1, "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(20));
        g.add(new AlertGroups.Key("edge-01", "UDPFlood", "PROCESSOR"), "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(20));
        g.add(new AlertGroups.Key("edge-02", "UDPFlood", "EDGE"), "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(20));
        g.add(new AlertGroups.Key("edge-01", "SYNScan", "EDGE"), "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(20));
        g.add(UDP_ON_1, "NETWORK_ATTACK", 0.4, "", T0.plusSeconds(12)); // out of order, within the window before it

        assertThat(g.groups()).hasSize(4);
        AlertGroups.Group udp = g.groups().stream().filter(x -> x.key().equals(UDP_ON_1)).findFirst().orElseThrow();
        assertThat(udp.count()).isEqualTo(2);
        assertThat(udp.first()).isEqualTo(T0.plusSeconds(12));
        assertThat(udp.last()).isEqualTo(T0.plusSeconds(20));
    }

    @Test
    void changesAreSequencedAndTheOldestGroupsAreDroppedBeyondTheBound() {
        AlertGroups g = new AlertGroups(Duration.ofSeconds(1), 3);
        for (int i = 0; i < 5; i++) {
            g.add(UDP_ON_1, "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(10L * i));
        }
        assertThat(g.groups()).hasSize(3).allSatisfy(x -> assertThat(x.first()).isAfterOrEqualTo(T0.plusSeconds(20)));
        long last = g.groups().get(0).changed();
        assertThat(g.changedSince(last)).isEmpty();
        g.add(UDP_ON_1, "NETWORK_ATTACK", 0.9, "", T0.plusSeconds(40));
        assertThat(g.changedSince(last)).singleElement().satisfies(x -> assertThat(x.count()).isEqualTo(2));
    }
}
