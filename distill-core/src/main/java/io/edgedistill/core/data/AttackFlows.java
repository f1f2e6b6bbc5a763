package io.edgedistill.core.data;

import java.util.SplittableRandom;

/**
 * The attack behaviour profiles of {@link FiveGNiddGenerator} (hping3 floods, GoldenEye, Slowloris /
 * Tor's Hammer, nmap scans). Each fills a {@link FlowRecord} from the row's random stream; the order of the
 * draws is part of the generator's output for a seed.
 */
final class AttackFlows {
    private AttackFlows() {
    }

    /** hping3 flood campaign payload sizes (on-wire frame bytes). */
    private static final long[] HPING_SIZES = {42, 42, 60, 162, 554, 1042, 1442};

    static void udpFlood(FlowRecord f, SplittableRandom r) {
        f.proto = "udp";
        FlowDraws.ttl(f, r, 64);
        boolean randSource = r.nextDouble() < 0.55;
        f.srcPkts = randSource ? 1 + (r.nextDouble() < 0.25 ? r.nextInt(3) : 0)
                : (long) FlowDraws.clamp(Sampling.pareto(r, 40, 0.9), 2, 5_000_000);
        long size = HPING_SIZES[r.nextInt(HPING_SIZES.length)];
        f.srcBytes = f.srcPkts * size;
        boolean reply = r.nextDouble() < 0.08; // ICMP unreachable / service replies
        f.dstPkts = reply ? Math.max(1, f.srcPkts / (5 + r.nextInt(50))) : 0;
        f.dstBytes = f.dstPkts * 70;
        double pps = Sampling.lognormal(r, 2500, 1.0);
        f.dur = f.srcPkts > 1 ? (f.srcPkts - 1) / pps : 0;
        f.state = reply ? (r.nextDouble() < 0.5 ? "URP" : "CON") : "INT";
        if (reply) {
            FlowDraws.replyTtl(f, r);
        }
    }

    static void httpFlood(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        FlowDraws.ttl(f, r, 64);
        f.srcPkts = FlowDraws.lnCount(r, 9, 0.6, 3, 5000);
        f.dstPkts = Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 1.0, 0.4)));
        f.srcBytes = f.srcPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 170, 0.35), 54, 1514);
        f.dstBytes = f.dstPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 420, 0.7), 54, 1514);
        f.dur = Sampling.lognormal(r, 0.9, 1.1);
        f.state = FlowDraws.pickS(r, new String[]{"FIN", "RST", "CON"}, new double[]{40, 35, 25});
        f.srcWin = r.nextDouble() < 0.85 ? 64240 : FlowDraws.osWindow(r);
        f.dstWin = FlowDraws.osWindow(r);
        FlowDraws.tcpTiming(f, r, 0.15);
        FlowDraws.replyTtl(f, r);
        f.tcpLoss(r, 0.25);
    }

    static void slow(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = r.nextDouble() < 0.6;
        FlowDraws.ttl(f, r, 64);
        boolean torshammer = r.nextBoolean();
        f.toolHint = torshammer ? "Torshammer" : "Slowloris";
        f.srcPkts = FlowDraws.lnCount(r, 6, 0.6, 1, 400);
        f.dstPkts = Math.max(0, Math.round(f.srcPkts * Sampling.lognormal(r, 0.8, 0.3)));
        f.srcBytes = f.srcPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, torshammer ? 68 : 80, 0.15), 54, 400);
        f.dstBytes = f.dstPkts * (long) FlowDraws.clamp(Sampling.lognormal(r, 62, 0.1), 54, 200);
        f.dur = Sampling.lognormal(r, 40, 0.7);
        f.state = FlowDraws.pickS(r, new String[]{"CON", "FIN", "RST"}, new double[]{80, 10, 10});
        f.srcWin = r.nextDouble() < 0.8 ? 64240 : FlowDraws.osWindow(r);
        f.dstWin = FlowDraws.osWindow(r);
        FlowDraws.tcpTiming(f, r, 0.09);
        FlowDraws.replyTtl(f, r);
        if (!f.hasHandshake) {
            f.noHandshakeFields();
        }
    }

    static void connectScan(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        FlowDraws.ttl(f, r, 64);
        boolean open = r.nextDouble() < 0.05;
        boolean filtered = !open && r.nextDouble() < 0.1;
        f.srcPkts = open ? 3 : (filtered ? 2 : 1);
        f.dstPkts = open ? 2 : (filtered ? 0 : 1);
        f.srcBytes = open ? 74 + 66 + 66 : f.srcPkts * 74;
        f.dstBytes = open ? 74 + 66 : f.dstPkts * 60;
        f.dur = filtered ? Sampling.lognormal(r, 1.0, 0.2) : Sampling.lognormal(r, 0.004, 1.0);
        f.state = open ? "FIN" : (filtered ? "REQ" : "RST");
        f.srcWin = r.nextDouble() < 0.9 ? 64240 : FlowDraws.osWindow(r);
        f.dstWin = filtered ? null : (open ? FlowDraws.osWindow(r) : 0.0);
        if (!filtered) {
            FlowDraws.replyTtl(f, r);
            FlowDraws.tcpTiming(f, r, 0.004);
            if (!open) {
                f.ackDat = 0.0;
                f.tcpRtt = f.synAck;
            }
        } else {
            f.synAck = 0.0;
            f.ackDat = 0.0;
            f.tcpRtt = 0.0;
            f.dstTcpBaseMissing = true;
        }
    }

    static void synScan(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        // nmap raw packets carry a random TTL
        f.sHops = 1 + r.nextInt(3);
        f.sTtl = 37 + r.nextInt(23) - f.sHops;
        boolean open = r.nextDouble() < 0.05;
        boolean filtered = !open && r.nextDouble() < 0.12;
        f.srcPkts = open ? 2 : (filtered ? 2 : 1);
        f.dstPkts = open ? 1 : (filtered ? 0 : 1);
        f.srcBytes = open ? 58 + 54 : f.srcPkts * 58;
        f.dstBytes = f.dstPkts * 60;
        f.dur = filtered ? Sampling.lognormal(r, 1.0, 0.3) : Sampling.lognormal(r, 0.004, 1.0);
        f.state = open ? "RST" : (filtered ? "REQ" : "RST");
        f.srcWin = r.nextDouble() < 0.9 ? 1024 : FlowDraws.pickD(r, new double[]{2048, 3072, 4096});
        f.dstWin = filtered ? null : (open ? FlowDraws.osWindow(r) : 0.0);
        if (!filtered) {
            FlowDraws.replyTtl(f, r);
            f.synAck = Sampling.lognormal(r, 0.004, 0.7);
            f.tcpRtt = f.synAck;
            f.ackDat = 0.0;
        } else {
            f.synAck = 0.0;
            f.ackDat = 0.0;
            f.tcpRtt = 0.0;
            f.dstTcpBaseMissing = true;
        }
    }

    static void udpScan(FlowRecord f, SplittableRandom r) {
        f.proto = "udp";
        f.sHops = 1 + r.nextInt(3);
        f.sTtl = 37 + r.nextInt(23) - f.sHops;
        f.srcPkts = r.nextDouble() < 0.7 ? 1 : 2;
        boolean probePayload = r.nextDouble() < 0.2;
        f.srcBytes = f.srcPkts * (probePayload ? (long) FlowDraws.clamp(Sampling.lognormal(r, 80, 0.3), 43, 300) : 42);
        double u = r.nextDouble();
        String st = u < 0.45 ? "URP" : (u < 0.95 ? "INT" : "CON");
        f.dstPkts = "INT".equals(st) ? 0 : 1;
        f.dstBytes = f.dstPkts * ("URP".equals(st) ? 70 : (long) FlowDraws.clamp(Sampling.lognormal(r, 120, 0.5), 60, 1500));
        f.dur = f.srcPkts > 1 ? Sampling.lognormal(r, 1.0, 0.3) : ("INT".equals(st) ? 0 : Sampling.lognormal(r, 0.003, 0.8));
        f.state = st;
        if (f.dstPkts > 0) {
            FlowDraws.replyTtl(f, r);
        }
    }

    static void synFlood(FlowRecord f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        FlowDraws.ttl(f, r, 64);
        boolean randSource = r.nextDouble() < 0.6;
        f.srcPkts = randSource ? 1 : (long) FlowDraws.clamp(Sampling.pareto(r, 20, 1.0), 2, 2_000_000);
        f.srcBytes = f.srcPkts * 54;
        boolean answered = r.nextDouble() < 0.4;
        f.dstPkts = answered ? Math.max(1, Math.round(f.srcPkts * Sampling.uniform(r, 0.2, 1.0))) : 0;
        f.dstBytes = f.dstPkts * 60;
        double pps = Sampling.lognormal(r, 1500, 1.0);
        f.dur = f.srcPkts > 1 ? (f.srcPkts - 1) / pps : 0;
        f.state = answered ? (r.nextDouble() < 0.7 ? "RST" : "ACC") : "REQ";
        f.srcWin = r.nextDouble() < 0.9 ? 64.0 : 512.0;
        f.dstWin = answered ? (r.nextDouble() < 0.5 ? 0.0 : FlowDraws.osWindow(r)) : null;
        if (answered) {
            FlowDraws.replyTtl(f, r);
            f.synAck = Sampling.lognormal(r, 0.01, 1.0);
            f.tcpRtt = f.synAck;
        } else {
            f.synAck = 0.0;
            f.tcpRtt = 0.0;
            f.dstTcpBaseMissing = true;
        }
        f.ackDat = 0.0;
    }

    static void icmpFlood(FlowRecord f, SplittableRandom r) {
        f.proto = "icmp";
        FlowDraws.ttl(f, r, 64);
        boolean randSource = r.nextDouble() < 0.4;
        f.srcPkts = randSource ? 1 : (long) FlowDraws.clamp(Sampling.pareto(r, 30, 1.0), 2, 2_000_000);
        long size = r.nextDouble() < 0.6 ? 42 : 60;
        f.srcBytes = f.srcPkts * size;
        f.dstPkts = randSource ? 0 : Math.round(f.srcPkts * Sampling.uniform(r, 0.2, 1.0));
        f.dstBytes = f.dstPkts * size;
        double pps = Sampling.lognormal(r, 2000, 1.0);
        f.dur = f.srcPkts > 1 ? (f.srcPkts - 1) / pps : 0;
        f.state = f.dstPkts > 0 ? "ECR" : "ECO";
        if (f.dstPkts > 0) {
            FlowDraws.replyTtl(f, r);
        }
    }
}
