package io.edgedistill.core.data;

import java.util.SplittableRandom;

/**
 * The benign behaviour profiles of {@link FiveGNiddGenerator}: web/TCP sessions, DNS, UDP/QUIC streaming,
 * ping, idle TCP keep-alives, failed TCP connects and L2 chatter. Each fills a {@link FlowRecord} from the
 * row's random stream; the order of the draws is part of the generator's output for a seed.
 */
final class BenignFlows {
    private BenignFlows() {
    }

    static void web(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        FlowDraws.ttl(f, r, FlowDraws.osTtl(r));
        f.srcPkts = FlowDraws.lnCount(r, 12, 1.1, 2, 200_000);
        f.dstPkts = Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 1.4, 0.4)));
        f.srcBytes = f.srcPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 95, 0.45), 54, 1514);
        f.dstBytes = f.dstPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 750, 0.65), 54, 1514);
        f.dur = Sampling.lognormal(r, 1.6, 1.5);
        f.state = FlowDraws.pickS(r, new String[]{"FIN", "CON", "RST"}, new double[]{60, 25, 15});
        f.srcWin = FlowDraws.osWindow(r);
        f.dstWin = FlowDraws.osWindow(r);
        FlowDraws.tcpTiming(f, r, 0.035);
        FlowDraws.replyTtl(f, r);
        f.tcpLoss(r, 0.08);
    }

    static void dns(FlowRecord f, SplittableRandom r) {
        f.proto = "udp";
        FlowDraws.ttl(f, r, FlowDraws.osTtl(r));
        f.srcPkts = r.nextDouble() < 0.9 ? 1 : 2;
        boolean answered = r.nextDouble() < 0.92;
        f.dstPkts = answered ? f.srcPkts : 0;
        f.srcBytes = f.srcPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 75, 0.2), 60, 300);
        f.dstBytes = f.dstPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 160, 0.5), 60, 1500);
        f.dur = answered ? Sampling.lognormal(r, 0.02, 1.0) : 0;
        f.state = answered ? "CON" : "INT";
        if (answered) {
            FlowDraws.replyTtl(f, r);
        }
    }

    static void stream(FlowRecord f, SplittableRandom r) {
        f.proto = "udp";
        FlowDraws.ttl(f, r, FlowDraws.osTtl(r));
        f.srcPkts = (long) FlowDraws.clamp(Sampling.pareto(r, 8, 1.1), 1, 2_000_000);
        boolean oneWay = r.nextDouble() < 0.18; // uploads / bursts with no return traffic seen
        f.dstPkts = oneWay ? 0 : Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 2.0, 0.8)));
        f.srcBytes = f.srcPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 300, 1.0), 60, 1442);
        f.dstBytes = f.dstPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 1100, 0.3), 60, 1442);
        f.dur = Sampling.lognormal(r, 4.0, 1.3) * Math.min(10, 1 + f.srcPkts / 200.0);
        f.state = oneWay ? "INT" : "CON";
        if (!oneWay) {
            FlowDraws.replyTtl(f, r);
        }
    }

    static void ping(FlowRecord f, SplittableRandom r) {
        f.proto = "icmp";
        FlowDraws.ttl(f, r, FlowDraws.osTtl(r));
        f.srcPkts = FlowDraws.lnCount(r, 4, 0.7, 1, 500);
        boolean reply = r.nextDouble() < 0.9;
        f.dstPkts = reply ? f.srcPkts : 0;
        long size = r.nextDouble() < 0.7 ? 98 : 74;
        f.srcBytes = f.srcPkts * size;
        f.dstBytes = f.dstPkts * size;
        f.dur = (f.srcPkts - 1) * Sampling.lognormal(r, 1.0, 0.1) + Sampling.lognormal(r, 0.02, 0.8);
        f.state = reply ? "ECR" : "ECO";
        if (reply) {
            FlowDraws.replyTtl(f, r);
        }
    }

    static void keepalive(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = r.nextDouble() < 0.3;
        FlowDraws.ttl(f, r, FlowDraws.osTtl(r));
        f.srcPkts = FlowDraws.lnCount(r, 5, 0.7, 1, 200);
        f.dstPkts = Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 1.0, 0.3)));
        f.srcBytes = f.srcPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 70, 0.25), 54, 1514);
        f.dstBytes = f.dstPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 75, 0.3), 54, 1514);
        f.dur = Sampling.lognormal(r, 25, 0.9);
        f.state = FlowDraws.pickS(r, new String[]{"CON", "FIN", "RST"}, new double[]{75, 15, 10});
        f.srcWin = FlowDraws.osWindow(r);
        f.dstWin = FlowDraws.osWindow(r);
        FlowDraws.tcpTiming(f, r, 0.04);
        FlowDraws.replyTtl(f, r);
        if (!f.hasHandshake) {
            f.noHandshakeFields();
        }
    }

    static void failedTcp(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        FlowDraws.ttl(f, r, FlowDraws.osTtl(r));
        f.srcPkts = 1 + (r.nextDouble() < 0.5 ? r.nextInt(3) : 0);
        boolean refused = r.nextDouble() < 0.6;
        f.dstPkts = refused ? 1 : 0;
        f.srcBytes = f.srcPkts * (r.nextDouble() < 0.8 ? 74 : 66);
        f.dstBytes = f.dstPkts * 60;
        f.dur = f.srcPkts > 1 ? Sampling.lognormal(r, 1.0 * (f.srcPkts - 1), 0.3) : Sampling.lognormal(r, 0.03, 1);
        f.state = refused ? "RST" : "REQ";
        f.srcWin = FlowDraws.osWindow(r);
        f.dstWin = refused ? 0.0 : null;
        if (refused) {
            FlowDraws.replyTtl(f, r);
            f.synAck = Sampling.lognormal(r, 0.03, 0.7);
            f.tcpRtt = f.synAck;
            f.ackDat = 0.0;
        } else {
            f.tcpRtt = 0.0;
            f.synAck = 0.0;
            f.ackDat = 0.0;
        }
        f.dstTcpBaseMissing = !refused;
    }

    static void l2(FlowRecord f, SplittableRandom r) {
        f.proto = FlowDraws.pickS(r, new String[]{"arp", "lldp", "ipv6-icmp", "llc"}, new double[]{60, 15, 20, 5});
        f.l2 = !"ipv6-icmp".equals(f.proto);
        f.srcPkts = FlowDraws.lnCount(r, 2, 0.8, 1, 100);
        f.dstPkts = "arp".equals(f.proto) && r.nextDouble() < 0.7 ? 1 : 0;
        f.srcBytes = f.srcPkts * ("arp".equals(f.proto) ? 42 : (long) FlowDraws.clamp(Sampling.lognormal(r, 90, 0.4), 60, 400));
        f.dstBytes = f.dstPkts * 42;
        f.dur = f.srcPkts > 1 ? Sampling.lognormal(r, 20, 1.0) : 0;
        f.state = f.dstPkts > 0 ? "CON" : "INT";
        if (!f.l2) {
            FlowDraws.ttl(f, r, 255);
        }
    }
}
