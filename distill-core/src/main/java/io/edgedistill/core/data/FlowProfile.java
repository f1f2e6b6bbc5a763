package io.edgedistill.core.data;

import java.util.SplittableRandom;
import java.util.function.BiConsumer;

/**
 * Behaviour profiles of {@link FiveGNiddGenerator}: each fills a {@link FlowRecord} from the row's random
 * stream ({@link BenignFlows}, {@link AttackFlows}). A class draws from its own profiles and, with the
 * generator's ambiguity probability, from confusable profiles of other classes ({@link #forClass}), which is
 * what keeps the detection task from being trivial.
 */
enum FlowProfile {
    WEB(BenignFlows::web),
    DNS(BenignFlows::dns),
    STREAM(BenignFlows::stream),
    PING(BenignFlows::ping),
    KEEPALIVE(BenignFlows::keepalive),
    FAILED_TCP(BenignFlows::failedTcp),
    L2(BenignFlows::l2),
    UDP_FLOOD(AttackFlows::udpFlood),
    HTTP_FLOOD(AttackFlows::httpFlood),
    SLOW(AttackFlows::slow),
    CONNECT_SCAN(AttackFlows::connectScan),
    SYN_SCAN(AttackFlows::synScan),
    UDP_SCAN(AttackFlows::udpScan),
    SYN_FLOOD(AttackFlows::synFlood),
    ICMP_FLOOD(AttackFlows::icmpFlood);

    private final BiConsumer<FlowRecord, SplittableRandom> draw;

    FlowProfile(BiConsumer<FlowRecord, SplittableRandom> draw) {
        this.draw = draw;
    }

    /** Fills {@code f} with a flow of this profile. */
    void draw(FlowRecord f, SplittableRandom r) {
        draw.accept(f, r);
    }

    /**
     * The profile a row of class {@code type} is drawn from: one of the class's own, or, when
     * {@code ambiguous}, one of the confusable profiles of other classes (benign bursts look like floods,
     * scans like scans, HTTP flood like web browsing, slow-rate like keep-alive, …).
     */
    static FlowProfile forClass(String type, boolean ambiguous, SplittableRandom r) {
        FlowProfile p;
        switch (type) {
            case "Benign":
                if (ambiguous) {
                    p = pick(r, new FlowProfile[]{UDP_FLOOD, HTTP_FLOOD, SLOW,
                        CONNECT_SCAN, ICMP_FLOOD}, new double[]{3, 3, 2, 2, 1});
                } else {
                    p = pick(r, new FlowProfile[]{WEB, DNS, STREAM, PING,
                        KEEPALIVE, FAILED_TCP, L2},
                        new double[]{42, 20, 14, 6, 8, 6, 4});
                }
                break;
            case "UDPFlood":
                p = ambiguous ? pick(r, new FlowProfile[]{STREAM, UDP_SCAN}, new double[]{3, 1})
                        : UDP_FLOOD;
                break;
            case "HTTPFlood":
                p = ambiguous ? pick(r, new FlowProfile[]{WEB, SLOW}, new double[]{3, 1})
                        : HTTP_FLOOD;
                break;
            case "SlowrateDoS":
                p = ambiguous ? pick(r, new FlowProfile[]{KEEPALIVE, HTTP_FLOOD}, new double[]{3, 1})
                        : SLOW;
                break;
            case "TCPConnectScan":
                p = ambiguous ? pick(r, new FlowProfile[]{SYN_SCAN, FAILED_TCP}, new double[]{2, 1})
                        : CONNECT_SCAN;
                break;
            case "SYNScan":
                p = ambiguous ? pick(r, new FlowProfile[]{CONNECT_SCAN, SYN_FLOOD}, new double[]{2, 1})
                        : SYN_SCAN;
                break;
            case "UDPScan":
                p = ambiguous ? pick(r, new FlowProfile[]{UDP_FLOOD, DNS}, new double[]{2, 1})
                        : UDP_SCAN;
                break;
            case "SYNFlood":
                p = ambiguous ? pick(r, new FlowProfile[]{SYN_SCAN, FAILED_TCP}, new double[]{2, 1})
                        : SYN_FLOOD;
                break;
            case "ICMPFlood":
                p = ambiguous ? PING : ICMP_FLOOD;
                break;
            default:
                throw new IllegalStateException(type);
        }
        return p;
    }

    private static FlowProfile pick(SplittableRandom r, FlowProfile[] ps, double[] w) {
        return ps[Sampling.categorical(r, w)];
    }
}
