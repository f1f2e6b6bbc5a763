package io.edgedistill.core.data;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * <b>Synthetic</b> generator of flow records in exactly the 5G-NIDD {@code Combined.csv} schema
 * ({@link FiveGNiddSchema#ALL_COLUMNS}: row index, 48 Argus features, {@code Label}, {@code Attack Type},
 * {@code Attack Tool}). The real data set cannot be downloaded here; nothing in this class is derived from
 * real 5G-NIDD rows. It is a hand-written traffic model meant to reproduce the <i>kind</i> of structure a
 * detector faces, not the real distribution.
 *
 * <h2>Traffic model</h2>
 * Each row is one Argus flow record drawn from a per-class behaviour profile:
 * <ul>
 *   <li><b>Benign</b>: a mixture of web/TCP sessions, DNS, UDP/QUIC streaming, ping, long idle TCP
 *       keep-alives, failed TCP connects and L2 chatter (arp/lldp/ipv6-icmp, with the IP fields empty).</li>
 *   <li><b>UDPFlood</b> (hping3): one-directional UDP (state INT), many 1–3 packet flows from randomised
 *       sources plus long high-rate flows, fixed per-campaign payload size.</li>
 *   <li><b>HTTPFlood</b> (GoldenEye): short TCP sessions with larger requests and slow server responses.</li>
 *   <li><b>SlowrateDoS</b> (Slowloris / Tor's Hammer): long TCP connections with a few tiny packets.</li>
 *   <li><b>TCPConnectScan</b> (nmap -sT): OS-stack SYNs (full options, OS window), RST from closed ports.</li>
 *   <li><b>SYNScan</b> (nmap -sS): raw SYNs (window 1024, random TTL 37–59), RST or no answer.</li>
 *   <li><b>UDPScan</b> (nmap -sU): empty or protocol-probe UDP datagrams, ICMP port-unreachable answers.</li>
 *   <li><b>SYNFlood</b> (hping3 -S): 54-byte SYNs, window 64, half-open (REQ) or reset.</li>
 *   <li><b>ICMPFlood</b> (hping3 --icmp): high-rate echo requests, replies partly lost.</li>
 * </ul>
 * Counts are heavy-tailed (lognormal / Pareto), derived fields are consistent (TotPkts = SrcPkts + DstPkts,
 * Load = 8·bytes/Dur, Rate = (pkts−1)/Dur, mean packet sizes, Mean/Sum/Min/Max over merged status
 * records), and cells are left empty where Argus leaves them empty in the real file (destination fields of
 * unanswered flows, TCP fields of non-TCP flows, IP fields of L2 frames, VLAN ids almost always).
 *
 * <h2>Overlap (the task is deliberately not trivial)</h2>
 * Real captures contain ambiguous flows: benign traffic inside attack captures, attack flows whose first
 * packets were not seen, bursts of benign traffic that look like floods. The generator reproduces this in
 * two ways: (1) natural overlap of the profiles (e.g. a 1-packet 42-byte UDP flow is produced by both
 * UDPFlood and UDPScan; closed-port scans of both kinds are SYN→RST), (2) with probability
 * {@link Config#ambiguity} a row is drawn from a confusable profile of another class while keeping its
 * label (benign bursts → flood-like, scans ↔ scans, HTTP flood ↔ web browsing, slow-rate ↔ keep-alive,
 * …), and with probability {@link Config#partialCapture} a TCP flow is seen without its handshake (window
 * and TCP base cells empty). With the defaults, a small MLP on the pooled generated data reaches a
 * macro-F1 around 0.89 (60,000 rows, at least 300 per class, stratified 80/20 split), not 1.0.
 *
 * <h2>Leaky columns</h2>
 * As in the real file, {@code Seq} and {@code Offset} encode capture order: here {@code Seq} is drawn from
 * a per-class capture-session range, so a model that uses it would "cheat". They must be dropped
 * ({@link FiveGNiddSchema#NON_FEATURES}); rows themselves are written in shuffled order.
 *
 * <p>Deterministic: the same (rows, seed, config) always yields the same bytes. One {@link SplittableRandom}
 * per row is split from the master generator, so row i does not depend on how earlier rows were drawn.
 */
public final class FiveGNiddGenerator {

    /** Tunables of the generator; {@link #defaults()} is what the CLI and the evaluation use. */
    public static final class Config {
        /** Class probabilities in {@link FiveGNiddSchema#CLASSES} order; default the published mix. */
        public double[] classMix = FiveGNiddSchema.publishedMix();
        /** Minimum rows per class (applied on top of the mix; 0 = pure mix). */
        public int minPerClass = 0;
        /** Probability that a row is drawn from a confusable profile of another class (label kept). */
        public double ambiguity = 0.04;
        /** Probability that a TCP flow is captured without its handshake. */
        public double partialCapture = 0.15;

        public static Config defaults() {
            return new Config();
        }
    }

    private final Config config;
    private final long seed;

    public FiveGNiddGenerator(long seed) {
        this(seed, Config.defaults());
    }

    public FiveGNiddGenerator(long seed, Config config) {
        this.seed = seed;
        this.config = config;
    }

    /** Class id of every row, in output order: exact class counts per the mix, shuffled by seed. */
    public int[] drawLabels(int rows) {
        int k = FiveGNiddSchema.CLASSES.size();
        double[] mix = config.classMix.clone();
        double sum = 0;
        for (double v : mix) {
            sum += v;
        }
        int[] counts = new int[k];
        int assigned = 0;
        for (int c = 0; c < k; c++) {
            counts[c] = Math.max(config.minPerClass, (int) Math.floor(rows * mix[c] / sum));
            assigned += counts[c];
        }
        // distribute the rounding remainder (or take back excess) on the largest classes, deterministically
        int c = 0;
        while (assigned < rows) {
            counts[argmaxFrac(mix, counts, rows, sum, c++ % k)]++;
            assigned++;
        }
        while (assigned > rows) {
            int big = 0;
            for (int j = 1; j < k; j++) {
                if (counts[j] > counts[big]) {
                    big = j;
                }
            }
            counts[big]--;
            assigned--;
        }
        int[] labels = new int[rows];
        int p = 0;
        for (int j = 0; j < k; j++) {
            for (int i = 0; i < counts[j]; i++) {
                labels[p++] = j;
            }
        }
        Sampling.shuffle(new SplittableRandom(seed ^ 0x5DEECE66DL), labels);
        return labels;
    }

    private static int argmaxFrac(double[] mix, int[] counts, int rows, double sum, int fallback) {
        int best = fallback;
        double bestGap = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < mix.length; j++) {
            double gap = rows * mix[j] / sum - counts[j];
            if (gap > bestGap) {
                bestGap = gap;
                best = j;
            }
        }
        return best;
    }

    /** Generates {@code rows} records as cell arrays in {@link FiveGNiddSchema#ALL_COLUMNS} order. */
    public List<String[]> generate(int rows) {
        List<String[]> out = new ArrayList<>(rows);
        forEachRow(rows, out::add);
        return out;
    }

    /** Writes a header plus {@code rows} records as CSV. */
    public void write(Writer w, int rows) throws IOException {
        BufferedWriter bw = w instanceof BufferedWriter ? (BufferedWriter) w : new BufferedWriter(w, 1 << 16);
        bw.write(Csv.formatLine(FiveGNiddSchema.ALL_COLUMNS.toArray(new String[0]), ','));
        bw.write('\n');
        IOException[] err = new IOException[1];
        forEachRow(rows, cells -> {
            if (err[0] != null) {
                return;
            }
            try {
                bw.write(Csv.formatLine(cells, ','));
                bw.write('\n');
            } catch (IOException e) {
                err[0] = e;
            }
        });
        if (err[0] != null) {
            throw err[0];
        }
        bw.flush();
    }

    public void write(Path file, int rows) throws IOException {
        if (file.toAbsolutePath().getParent() != null) {
            Files.createDirectories(file.toAbsolutePath().getParent());
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            write(w, rows);
        }
    }

    private void forEachRow(int rows, java.util.function.Consumer<String[]> sink) {
        int[] labels = drawLabels(rows);
        SplittableRandom master = new SplittableRandom(seed);
        long[] seqCounter = new long[FiveGNiddSchema.CLASSES.size()];
        long offset = 0;
        for (int i = 0; i < rows; i++) {
            SplittableRandom r = master.split();
            int cls = labels[i];
            Flow f = drawFlow(cls, r);
            // capture order: each class comes from its own capture session (leaky, as in the real file)
            long seq = 1 + cls * 2_000_000L + (seqCounter[cls]++) * 3 + r.nextInt(3);
            String[] cells = f.toCells(i, seq, offset + 128, cls, r);
            offset += 128 + 8L * f.totPkts();
            sink.accept(cells);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // flow model

    /** Behaviour profiles; a class draws from its own profiles and, rarely, from confusable ones. */
    private enum Profile {
        WEB, DNS, STREAM, PING, KEEPALIVE, FAILED_TCP, L2,
        UDP_FLOOD, HTTP_FLOOD, SLOW, CONNECT_SCAN, SYN_SCAN, UDP_SCAN, SYN_FLOOD, ICMP_FLOOD
    }

    private Flow drawFlow(int cls, SplittableRandom r) {
        String type = FiveGNiddSchema.CLASSES.get(cls);
        boolean ambiguous = r.nextDouble() < config.ambiguity;
        Profile p;
        switch (type) {
            case "Benign":
                if (ambiguous) {
                    p = pick(r, new Profile[]{Profile.UDP_FLOOD, Profile.HTTP_FLOOD, Profile.SLOW,
                        Profile.CONNECT_SCAN, Profile.ICMP_FLOOD}, new double[]{3, 3, 2, 2, 1});
                } else {
                    p = pick(r, new Profile[]{Profile.WEB, Profile.DNS, Profile.STREAM, Profile.PING,
                        Profile.KEEPALIVE, Profile.FAILED_TCP, Profile.L2},
                        new double[]{42, 20, 14, 6, 8, 6, 4});
                }
                break;
            case "UDPFlood":
                p = ambiguous ? pick(r, new Profile[]{Profile.STREAM, Profile.UDP_SCAN}, new double[]{3, 1})
                        : Profile.UDP_FLOOD;
                break;
            case "HTTPFlood":
                p = ambiguous ? pick(r, new Profile[]{Profile.WEB, Profile.SLOW}, new double[]{3, 1})
                        : Profile.HTTP_FLOOD;
                break;
            case "SlowrateDoS":
                p = ambiguous ? pick(r, new Profile[]{Profile.KEEPALIVE, Profile.HTTP_FLOOD}, new double[]{3, 1})
                        : Profile.SLOW;
                break;
            case "TCPConnectScan":
                p = ambiguous ? pick(r, new Profile[]{Profile.SYN_SCAN, Profile.FAILED_TCP}, new double[]{2, 1})
                        : Profile.CONNECT_SCAN;
                break;
            case "SYNScan":
                p = ambiguous ? pick(r, new Profile[]{Profile.CONNECT_SCAN, Profile.SYN_FLOOD}, new double[]{2, 1})
                        : Profile.SYN_SCAN;
                break;
            case "UDPScan":
                p = ambiguous ? pick(r, new Profile[]{Profile.UDP_FLOOD, Profile.DNS}, new double[]{2, 1})
                        : Profile.UDP_SCAN;
                break;
            case "SYNFlood":
                p = ambiguous ? pick(r, new Profile[]{Profile.SYN_SCAN, Profile.FAILED_TCP}, new double[]{2, 1})
                        : Profile.SYN_FLOOD;
                break;
            case "ICMPFlood":
                p = ambiguous ? Profile.PING : Profile.ICMP_FLOOD;
                break;
            default:
                throw new IllegalStateException(type);
        }
        Flow f = new Flow();
        f.toolHint = type;
        switch (p) {
            case WEB -> web(f, r);
            case DNS -> dns(f, r);
            case STREAM -> stream(f, r);
            case PING -> ping(f, r);
            case KEEPALIVE -> keepalive(f, r);
            case FAILED_TCP -> failedTcp(f, r);
            case L2 -> l2(f, r);
            case UDP_FLOOD -> udpFlood(f, r);
            case HTTP_FLOOD -> httpFlood(f, r);
            case SLOW -> slow(f, r);
            case CONNECT_SCAN -> connectScan(f, r);
            case SYN_SCAN -> synScan(f, r);
            case UDP_SCAN -> udpScan(f, r);
            case SYN_FLOOD -> synFlood(f, r);
            case ICMP_FLOOD -> icmpFlood(f, r);
            default -> throw new IllegalStateException();
        }
        if ("tcp".equals(f.proto) && f.hasHandshake && r.nextDouble() < config.partialCapture) {
            f.partial(r);
        }
        return f;
    }

    private static Profile pick(SplittableRandom r, Profile[] ps, double[] w) {
        return ps[Sampling.categorical(r, w)];
    }

    private static double clamp(double v, double lo, double hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static long lnCount(SplittableRandom r, double median, double sigma, long min, long max) {
        return (long) clamp(Math.round(Sampling.lognormal(r, median, sigma)), min, max);
    }

    /** Source TTL as seen at the probe: initial TTL minus a few hops through the 5G core. */
    private static void ttl(Flow f, SplittableRandom r, int initial) {
        int hops = 1 + r.nextInt(3);
        f.sTtl = initial - hops;
        f.sHops = hops;
    }

    private static void replyTtl(Flow f, SplittableRandom r) {
        int init = r.nextDouble() < 0.8 ? 64 : 128;
        int hops = 1 + r.nextInt(4);
        f.dTtl = init - hops;
        f.dHops = hops;
    }

    private static int osTtl(SplittableRandom r) {
        double u = r.nextDouble();
        return u < 0.7 ? 64 : (u < 0.97 ? 128 : 255);
    }

    private static double osWindow(SplittableRandom r) {
        double[] w = {64240, 65535, 29200, 42340, 8192, 502, 2052};
        return w[Sampling.categorical(r, new double[]{40, 20, 15, 10, 5, 6, 4})];
    }

    private static void tcpTiming(Flow f, SplittableRandom r, double rttMedian) {
        double rtt = Sampling.lognormal(r, rttMedian, 0.7);
        double split = Sampling.uniform(r, 0.3, 0.8);
        f.synAck = rtt * split;
        f.ackDat = rtt * (1 - split);
        f.tcpRtt = rtt;
    }

    private void web(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        ttl(f, r, osTtl(r));
        f.srcPkts = lnCount(r, 12, 1.1, 2, 200_000);
        f.dstPkts = Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 1.4, 0.4)));
        f.srcBytes = f.srcPkts * (long) clamp(Sampling.lognormal(r, 95, 0.45), 54, 1514);
        f.dstBytes = f.dstPkts * (long) clamp(Sampling.lognormal(r, 750, 0.65), 54, 1514);
        f.dur = Sampling.lognormal(r, 1.6, 1.5);
        f.state = pickS(r, new String[]{"FIN", "CON", "RST"}, new double[]{60, 25, 15});
        f.srcWin = osWindow(r);
        f.dstWin = osWindow(r);
        tcpTiming(f, r, 0.035);
        replyTtl(f, r);
        f.tcpLoss(r, 0.08);
    }

    private void dns(Flow f, SplittableRandom r) {
        f.proto = "udp";
        ttl(f, r, osTtl(r));
        f.srcPkts = r.nextDouble() < 0.9 ? 1 : 2;
        boolean answered = r.nextDouble() < 0.92;
        f.dstPkts = answered ? f.srcPkts : 0;
        f.srcBytes = f.srcPkts * (long) clamp(Sampling.lognormal(r, 75, 0.2), 60, 300);
        f.dstBytes = f.dstPkts * (long) clamp(Sampling.lognormal(r, 160, 0.5), 60, 1500);
        f.dur = answered ? Sampling.lognormal(r, 0.02, 1.0) : 0;
        f.state = answered ? "CON" : "INT";
        if (answered) {
            replyTtl(f, r);
        }
    }

    private void stream(Flow f, SplittableRandom r) {
        f.proto = "udp";
        ttl(f, r, osTtl(r));
        f.srcPkts = (long) clamp(Sampling.pareto(r, 8, 1.1), 1, 2_000_000);
        boolean oneWay = r.nextDouble() < 0.18; // uploads / bursts with no return traffic seen
        f.dstPkts = oneWay ? 0 : Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 2.0, 0.8)));
        f.srcBytes = f.srcPkts * (long) clamp(Sampling.lognormal(r, 300, 1.0), 60, 1442);
        f.dstBytes = f.dstPkts * (long) clamp(Sampling.lognormal(r, 1100, 0.3), 60, 1442);
        f.dur = Sampling.lognormal(r, 4.0, 1.3) * Math.min(10, 1 + f.srcPkts / 200.0);
        f.state = oneWay ? "INT" : "CON";
        if (!oneWay) {
            replyTtl(f, r);
        }
    }

    private void ping(Flow f, SplittableRandom r) {
        f.proto = "icmp";
        ttl(f, r, osTtl(r));
        f.srcPkts = lnCount(r, 4, 0.7, 1, 500);
        boolean reply = r.nextDouble() < 0.9;
        f.dstPkts = reply ? f.srcPkts : 0;
        long size = r.nextDouble() < 0.7 ? 98 : 74;
        f.srcBytes = f.srcPkts * size;
        f.dstBytes = f.dstPkts * size;
        f.dur = (f.srcPkts - 1) * Sampling.lognormal(r, 1.0, 0.1) + Sampling.lognormal(r, 0.02, 0.8);
        f.state = reply ? "ECR" : "ECO";
        if (reply) {
            replyTtl(f, r);
        }
    }

    private void keepalive(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = r.nextDouble() < 0.3;
        ttl(f, r, osTtl(r));
        f.srcPkts = lnCount(r, 5, 0.7, 1, 200);
        f.dstPkts = Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 1.0, 0.3)));
        f.srcBytes = f.srcPkts * (long) clamp(Sampling.lognormal(r, 70, 0.25), 54, 1514);
        f.dstBytes = f.dstPkts * (long) clamp(Sampling.lognormal(r, 75, 0.3), 54, 1514);
        f.dur = Sampling.lognormal(r, 25, 0.9);
        f.state = pickS(r, new String[]{"CON", "FIN", "RST"}, new double[]{75, 15, 10});
        f.srcWin = osWindow(r);
        f.dstWin = osWindow(r);
        tcpTiming(f, r, 0.04);
        replyTtl(f, r);
        if (!f.hasHandshake) {
            f.noHandshakeFields();
        }
    }

    private void failedTcp(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        ttl(f, r, osTtl(r));
        f.srcPkts = 1 + (r.nextDouble() < 0.5 ? r.nextInt(3) : 0);
        boolean refused = r.nextDouble() < 0.6;
        f.dstPkts = refused ? 1 : 0;
        f.srcBytes = f.srcPkts * (r.nextDouble() < 0.8 ? 74 : 66);
        f.dstBytes = f.dstPkts * 60;
        f.dur = f.srcPkts > 1 ? Sampling.lognormal(r, 1.0 * (f.srcPkts - 1), 0.3) : Sampling.lognormal(r, 0.03, 1);
        f.state = refused ? "RST" : "REQ";
        f.srcWin = osWindow(r);
        f.dstWin = refused ? 0.0 : null;
        if (refused) {
            replyTtl(f, r);
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

    private void l2(Flow f, SplittableRandom r) {
        f.proto = pickS(r, new String[]{"arp", "lldp", "ipv6-icmp", "llc"}, new double[]{60, 15, 20, 5});
        f.l2 = !"ipv6-icmp".equals(f.proto);
        f.srcPkts = lnCount(r, 2, 0.8, 1, 100);
        f.dstPkts = "arp".equals(f.proto) && r.nextDouble() < 0.7 ? 1 : 0;
        f.srcBytes = f.srcPkts * ("arp".equals(f.proto) ? 42 : (long) clamp(Sampling.lognormal(r, 90, 0.4), 60, 400));
        f.dstBytes = f.dstPkts * 42;
        f.dur = f.srcPkts > 1 ? Sampling.lognormal(r, 20, 1.0) : 0;
        f.state = f.dstPkts > 0 ? "CON" : "INT";
        if (!f.l2) {
            ttl(f, r, 255);
        }
    }

    /** hping3 flood campaign payload sizes (on-wire frame bytes). */
    private static final long[] HPING_SIZES = {42, 42, 60, 162, 554, 1042, 1442};

    private void udpFlood(Flow f, SplittableRandom r) {
        f.proto = "udp";
        ttl(f, r, 64);
        boolean randSource = r.nextDouble() < 0.55;
        f.srcPkts = randSource ? 1 + (r.nextDouble() < 0.25 ? r.nextInt(3) : 0)
                : (long) clamp(Sampling.pareto(r, 40, 0.9), 2, 5_000_000);
        long size = HPING_SIZES[r.nextInt(HPING_SIZES.length)];
        f.srcBytes = f.srcPkts * size;
        boolean reply = r.nextDouble() < 0.08; // ICMP unreachable / service replies
        f.dstPkts = reply ? Math.max(1, f.srcPkts / (5 + r.nextInt(50))) : 0;
        f.dstBytes = f.dstPkts * 70;
        double pps = Sampling.lognormal(r, 2500, 1.0);
        f.dur = f.srcPkts > 1 ? (f.srcPkts - 1) / pps : 0;
        f.state = reply ? (r.nextDouble() < 0.5 ? "URP" : "CON") : "INT";
        if (reply) {
            replyTtl(f, r);
        }
    }

    private void httpFlood(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        ttl(f, r, 64);
        f.srcPkts = lnCount(r, 9, 0.6, 3, 5000);
        f.dstPkts = Math.max(1, Math.round(f.srcPkts * Sampling.lognormal(r, 1.0, 0.4)));
        f.srcBytes = f.srcPkts * (long) clamp(Sampling.lognormal(r, 170, 0.35), 54, 1514);
        f.dstBytes = f.dstPkts * (long) clamp(Sampling.lognormal(r, 420, 0.7), 54, 1514);
        f.dur = Sampling.lognormal(r, 0.9, 1.1);
        f.state = pickS(r, new String[]{"FIN", "RST", "CON"}, new double[]{40, 35, 25});
        f.srcWin = r.nextDouble() < 0.85 ? 64240 : osWindow(r);
        f.dstWin = osWindow(r);
        tcpTiming(f, r, 0.15);
        replyTtl(f, r);
        f.tcpLoss(r, 0.25);
    }

    private void slow(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = r.nextDouble() < 0.6;
        ttl(f, r, 64);
        boolean torshammer = r.nextBoolean();
        f.toolHint = torshammer ? "Torshammer" : "Slowloris";
        f.srcPkts = lnCount(r, 6, 0.6, 1, 400);
        f.dstPkts = Math.max(0, Math.round(f.srcPkts * Sampling.lognormal(r, 0.8, 0.3)));
        f.srcBytes = f.srcPkts * (long) clamp(Sampling.lognormal(r, torshammer ? 68 : 80, 0.15), 54, 400);
        f.dstBytes = f.dstPkts * (long) clamp(Sampling.lognormal(r, 62, 0.1), 54, 200);
        f.dur = Sampling.lognormal(r, 40, 0.7);
        f.state = pickS(r, new String[]{"CON", "FIN", "RST"}, new double[]{80, 10, 10});
        f.srcWin = r.nextDouble() < 0.8 ? 64240 : osWindow(r);
        f.dstWin = osWindow(r);
        tcpTiming(f, r, 0.09);
        replyTtl(f, r);
        if (!f.hasHandshake) {
            f.noHandshakeFields();
        }
    }

    private void connectScan(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        ttl(f, r, 64);
        boolean open = r.nextDouble() < 0.05;
        boolean filtered = !open && r.nextDouble() < 0.1;
        f.srcPkts = open ? 3 : (filtered ? 2 : 1);
        f.dstPkts = open ? 2 : (filtered ? 0 : 1);
        f.srcBytes = open ? 74 + 66 + 66 : f.srcPkts * 74;
        f.dstBytes = open ? 74 + 66 : f.dstPkts * 60;
        f.dur = filtered ? Sampling.lognormal(r, 1.0, 0.2) : Sampling.lognormal(r, 0.004, 1.0);
        f.state = open ? "FIN" : (filtered ? "REQ" : "RST");
        f.srcWin = r.nextDouble() < 0.9 ? 64240 : osWindow(r);
        f.dstWin = filtered ? null : (open ? osWindow(r) : 0.0);
        if (!filtered) {
            replyTtl(f, r);
            tcpTiming(f, r, 0.004);
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

    private void synScan(Flow f, SplittableRandom r) {
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
        f.srcWin = r.nextDouble() < 0.9 ? 1024 : pickD(r, new double[]{2048, 3072, 4096});
        f.dstWin = filtered ? null : (open ? osWindow(r) : 0.0);
        if (!filtered) {
            replyTtl(f, r);
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

    private void udpScan(Flow f, SplittableRandom r) {
        f.proto = "udp";
        f.sHops = 1 + r.nextInt(3);
        f.sTtl = 37 + r.nextInt(23) - f.sHops;
        f.srcPkts = r.nextDouble() < 0.7 ? 1 : 2;
        boolean probePayload = r.nextDouble() < 0.2;
        f.srcBytes = f.srcPkts * (probePayload ? (long) clamp(Sampling.lognormal(r, 80, 0.3), 43, 300) : 42);
        double u = r.nextDouble();
        String st = u < 0.45 ? "URP" : (u < 0.95 ? "INT" : "CON");
        f.dstPkts = "INT".equals(st) ? 0 : 1;
        f.dstBytes = f.dstPkts * ("URP".equals(st) ? 70 : (long) clamp(Sampling.lognormal(r, 120, 0.5), 60, 1500));
        f.dur = f.srcPkts > 1 ? Sampling.lognormal(r, 1.0, 0.3) : ("INT".equals(st) ? 0 : Sampling.lognormal(r, 0.003, 0.8));
        f.state = st;
        if (f.dstPkts > 0) {
            replyTtl(f, r);
        }
    }

    private void synFlood(Flow f, SplittableRandom r) {
        f.proto = "tcp";
        f.hasHandshake = true;
        ttl(f, r, 64);
        boolean randSource = r.nextDouble() < 0.6;
        f.srcPkts = randSource ? 1 : (long) clamp(Sampling.pareto(r, 20, 1.0), 2, 2_000_000);
        f.srcBytes = f.srcPkts * 54;
        boolean answered = r.nextDouble() < 0.4;
        f.dstPkts = answered ? Math.max(1, Math.round(f.srcPkts * Sampling.uniform(r, 0.2, 1.0))) : 0;
        f.dstBytes = f.dstPkts * 60;
        double pps = Sampling.lognormal(r, 1500, 1.0);
        f.dur = f.srcPkts > 1 ? (f.srcPkts - 1) / pps : 0;
        f.state = answered ? (r.nextDouble() < 0.7 ? "RST" : "ACC") : "REQ";
        f.srcWin = r.nextDouble() < 0.9 ? 64.0 : 512.0;
        f.dstWin = answered ? (r.nextDouble() < 0.5 ? 0.0 : osWindow(r)) : null;
        if (answered) {
            replyTtl(f, r);
            f.synAck = Sampling.lognormal(r, 0.01, 1.0);
            f.tcpRtt = f.synAck;
        } else {
            f.synAck = 0.0;
            f.tcpRtt = 0.0;
            f.dstTcpBaseMissing = true;
        }
        f.ackDat = 0.0;
    }

    private void icmpFlood(Flow f, SplittableRandom r) {
        f.proto = "icmp";
        ttl(f, r, 64);
        boolean randSource = r.nextDouble() < 0.4;
        f.srcPkts = randSource ? 1 : (long) clamp(Sampling.pareto(r, 30, 1.0), 2, 2_000_000);
        long size = r.nextDouble() < 0.6 ? 42 : 60;
        f.srcBytes = f.srcPkts * size;
        f.dstPkts = randSource ? 0 : Math.round(f.srcPkts * Sampling.uniform(r, 0.2, 1.0));
        f.dstBytes = f.dstPkts * size;
        double pps = Sampling.lognormal(r, 2000, 1.0);
        f.dur = f.srcPkts > 1 ? (f.srcPkts - 1) / pps : 0;
        f.state = f.dstPkts > 0 ? "ECR" : "ECO";
        if (f.dstPkts > 0) {
            replyTtl(f, r);
        }
    }

    private static String pickS(SplittableRandom r, String[] v, double[] w) {
        return v[Sampling.categorical(r, w)];
    }

    private static double pickD(SplittableRandom r, double[] v) {
        return v[r.nextInt(v.length)];
    }

    /** One flow record under construction; null fields become empty cells. */
    private static final class Flow {
        String toolHint;
        String proto;
        boolean l2;
        boolean hasHandshake;
        boolean dstTcpBaseMissing;
        boolean srcTcpBaseMissing;
        double dur;
        Integer sTtl;
        Integer dTtl;
        Integer sHops;
        Integer dHops;
        long srcPkts;
        long dstPkts;
        long srcBytes;
        long dstBytes;
        long srcLoss;
        long dstLoss;
        String state;
        Double srcWin;
        Double dstWin;
        Double tcpRtt;
        Double synAck;
        Double ackDat;

        long totPkts() {
            return srcPkts + dstPkts;
        }

        void tcpLoss(SplittableRandom r, double p) {
            if (r.nextDouble() < p) {
                srcLoss = Sampling.poisson(r, 0.02 * srcPkts + 0.5);
                dstLoss = Sampling.poisson(r, 0.02 * dstPkts + 0.5);
            }
        }

        /** Flow already running when the capture started: no SYN seen. */
        void noHandshakeFields() {
            srcWin = null;
            dstWin = null;
            srcTcpBaseMissing = true;
            dstTcpBaseMissing = true;
            tcpRtt = 0.0;
            synAck = 0.0;
            ackDat = 0.0;
        }

        void partial(SplittableRandom r) {
            noHandshakeFields();
            // mid-stream packets are plain ACK-sized segments
            srcBytes = Math.max(srcPkts * 54, srcBytes - 20L * Math.min(srcPkts, 1));
        }

        String[] toCells(int rowIndex, long seq, long offset, int cls, SplittableRandom r) {
            String[] c = new String[52];
            java.util.Arrays.fill(c, "");
            c[0] = Long.toString(rowIndex);
            double d = Math.max(0, dur);
            // Argus merges long flows from several status records (-M): Mean/Min/Max of record durations
            int records = d > 5 ? (int) Math.min(20, 1 + Math.floor(d / 5.0)) : 1;
            double mean = d / records;
            double min = records > 1 ? mean * Sampling.uniform(r, 0.2, 0.95) : d;
            double max = records > 1 ? Math.min(d, mean * Sampling.uniform(r, 1.05, 1.8)) : d;
            put(c, "Seq", seq);
            put(c, "Dur", d);
            put(c, "RunTime", d);
            put(c, "Mean", mean);
            put(c, "Sum", d);
            put(c, "Min", min);
            put(c, "Max", max);
            c[col("Proto")] = proto;
            boolean reply = dstPkts > 0;
            if (!l2) {
                put(c, "sTos", r.nextDouble() < 0.97 ? 0 : 4 * (1 + r.nextInt(2)));
                c[col("sDSb")] = r.nextDouble() < 0.985 ? "cs0" : (r.nextBoolean() ? "ef" : "af11");
                if (sTtl != null) {
                    put(c, "sTtl", sTtl);
                    put(c, "sHops", sHops);
                }
                if (reply && dTtl != null) {
                    put(c, "dTos", 0);
                    c[col("dDSb")] = "cs0";
                    put(c, "dTtl", dTtl);
                    put(c, "dHops", dHops);
                }
            }
            double u = r.nextDouble();
            c[col("Cause")] = records > 1 ? "Status" : (u < 0.8 ? "Start" : (u < 0.97 ? "Status" : "Stop"));
            put(c, "TotPkts", srcPkts + dstPkts);
            put(c, "SrcPkts", srcPkts);
            put(c, "DstPkts", dstPkts);
            put(c, "TotBytes", srcBytes + dstBytes);
            put(c, "SrcBytes", srcBytes);
            put(c, "DstBytes", dstBytes);
            put(c, "Offset", offset);
            put(c, "sMeanPktSz", srcPkts > 0 ? (double) srcBytes / srcPkts : 0);
            put(c, "dMeanPktSz", dstPkts > 0 ? (double) dstBytes / dstPkts : 0);
            boolean timed = d > 0;
            put(c, "Load", timed ? 8.0 * (srcBytes + dstBytes) / d : 0);
            put(c, "SrcLoad", timed ? 8.0 * srcBytes / d : 0);
            put(c, "DstLoad", timed ? 8.0 * dstBytes / d : 0);
            long loss = srcLoss + dstLoss;
            put(c, "Loss", loss);
            put(c, "SrcLoss", srcLoss);
            put(c, "DstLoss", dstLoss);
            put(c, "pLoss", srcPkts + dstPkts > 0 ? 100.0 * loss / (srcPkts + dstPkts + loss) : 0);
            boolean tcp = "tcp".equals(proto);
            if (tcp) {
                put(c, "SrcGap", srcLoss > 0 ? srcLoss * 1448 : 0);
                put(c, "DstGap", dstLoss > 0 ? dstLoss * 1448 : 0);
            }
            put(c, "Rate", timed ? (srcPkts + dstPkts - 1) / d : 0);
            put(c, "SrcRate", timed && srcPkts > 1 ? (srcPkts - 1) / d : 0);
            put(c, "DstRate", timed && dstPkts > 1 ? (dstPkts - 1) / d : 0);
            c[col("State")] = state;
            if (tcp) {
                if (srcWin != null) {
                    put(c, "SrcWin", srcWin);
                }
                if (dstWin != null && reply) {
                    put(c, "DstWin", dstWin);
                }
                if (!srcTcpBaseMissing) {
                    put(c, "SrcTCPBase", (double) (r.nextLong() >>> 32));
                }
                if (!dstTcpBaseMissing && reply) {
                    put(c, "DstTCPBase", (double) (r.nextLong() >>> 32));
                }
                put(c, "TcpRtt", tcpRtt == null ? 0.0 : tcpRtt);
                put(c, "SynAck", synAck == null ? 0.0 : synAck);
                put(c, "AckDat", ackDat == null ? 0.0 : ackDat);
            } else {
                put(c, "TcpRtt", 0);
                put(c, "SynAck", 0);
                put(c, "AckDat", 0);
            }
            if (r.nextDouble() < 0.003) {
                put(c, "sVid", 100 + r.nextInt(4));
            }
            String type = FiveGNiddSchema.CLASSES.get(cls);
            c[49] = cls == 0 ? "Benign" : "Malicious";
            c[50] = type;
            c[51] = tool(type, toolHint);
            return c;
        }

        private static String tool(String type, String hint) {
            switch (type) {
                case "Benign":
                    return "Benign";
                case "UDPFlood":
                case "SYNFlood":
                case "ICMPFlood":
                    return "Hping3";
                case "HTTPFlood":
                    return "Goldeneye";
                case "SlowrateDoS":
                    return "Torshammer".equals(hint) ? "Torshammer" : "Slowloris";
                default:
                    return "Nmap";
            }
        }

        private static int col(String name) {
            return COL_INDEX.get(name);
        }

        private static void put(String[] c, String name, double v) {
            c[col(name)] = num(v);
        }
    }

    private static final java.util.Map<String, Integer> COL_INDEX = new java.util.HashMap<>();

    static {
        for (int i = 0; i < FiveGNiddSchema.ALL_COLUMNS.size(); i++) {
            COL_INDEX.put(FiveGNiddSchema.ALL_COLUMNS.get(i), i);
        }
    }

    /** Plain decimal with at most 6 fractional digits; integers without a fraction. */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return new BigDecimal(v).setScale(6, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }

    // ------------------------------------------------------------------------------------------------
    // CLI

    /** {@code java ... io.edgedistill.core.data.FiveGNiddGenerator --rows 100000 --seed 7 --out gen.csv} */
    @Command(name = "gen-5gnidd", mixinStandardHelpOptions = true,
            description = "Writes SYNTHETIC flow records in the 5G-NIDD Combined.csv schema.")
    static final class Cli implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "100000", description = "rows to write (default ${DEFAULT-VALUE})")
        int rows;
        @Option(names = "--seed", defaultValue = "1", description = "seed (default ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--out", required = true, description = "output CSV file")
        Path out;
        @Option(names = "--min-per-class", defaultValue = "0", description = "minimum rows per class")
        int minPerClass;
        @Option(names = "--ambiguity", defaultValue = "0.04", description = "confusable-profile probability (default ${DEFAULT-VALUE})")
        double ambiguity;

        @Override
        public Integer call() throws IOException {
            Config cfg = Config.defaults();
            cfg.minPerClass = minPerClass;
            cfg.ambiguity = ambiguity;
            new FiveGNiddGenerator(seed, cfg).write(out, rows);
            System.out.println("wrote " + rows + " synthetic 5G-NIDD-schema rows to " + out + " (seed " + seed + ")");
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Cli()).execute(args));
    }
}
