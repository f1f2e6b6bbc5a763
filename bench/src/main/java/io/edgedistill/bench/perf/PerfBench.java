package io.edgedistill.bench.perf;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.edgedistill.core.aggregate.GlobalTargets;
import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.Activation;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.core.nn.PortableWeights;
import io.edgedistill.core.nn.WeightInit;
import io.edgedistill.core.summary.EdgeSummarizer;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryOptions;
import io.edgedistill.core.synth.SynthConfig;
import io.edgedistill.core.synth.DistilledSet;
import io.edgedistill.core.synth.DistilledSetOptimizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import io.edgedistill.core.util.Engines;
import java.util.Locale;
import java.util.Random;

/**
 * Speed benchmark of the distillation core. All figures come from the same JVM run, and the measurements are
 * interleaved round by round (reference matmul, kernel, optimiser step, summary, then again), so that load
 * from other processes on the machine affects reference and workload alike; medians over the rounds are
 * reported, plus the best round.
 * <ul>
 *   <li>(a) a large DJL matmul (square, {@code --matmul} = 2048): the reference FLOP/s;</li>
 *   <li>(b) the batched embedding kernel: all K networks on n rows ({@link EmbeddingNetworks#forward});</li>
 *   <li>(c) one synthetic-set optimiser step (forward + loss + backward + fused Adam + projection) for each
 *   IPC, timed over runs of {@code --steps} steps (default 100, a round's warm-start budget
 *   {@code SynthConfig.warmSteps}), so the per-run set-up (weights to the device, set in and out) is amortised as
 *   in the product; under each, the step's four matmuls alone at its shapes (same FLOP count), the floor under
 *   the step's time;</li>
 *   <li>(d) edge summaries per second (array in, {@link SummaryStats} out, with second and input moments);</li>
 *   <li>(e) flows scored per second by the default edge student MLP d-128-64-C ({@link MlpModel#predict}).</li>
 * </ul>
 * FLOP counts (matmul FLOPs only; element-wise work and reductions are not counted): (b) 2·n·K·(d·h + h·e);
 * (c) 2 × the network forward 2·m·K·(d·h + h·e) — the backward needs gradients w.r.t. activations and inputs
 * only (the networks are fixed), one matmul of the same size per forward matmul; (d) the kernel plus the two
 * class-sum matmuls 2·2·C·n·K·e.
 *
 * <p>Options: {@code --n --d --k --hidden --embed --classes --ipc 10,50 --rounds 15 --matmul 2048 --steps 100
 * --input-terms on|off --profile-seconds 0} (--input-terms off switches the optimiser's input-moment term and box
 * off, as for targets without input moments; --profile-seconds S only runs the optimiser at the first IPC for S
 * seconds and prints the pid, for a sampling profiler).
 */
public final class PerfBench {
    /** Matmul quadruples per timing of the step's matmuls alone. */
    private static final int STEP_MATMUL_RUNS = 100;

    private int n = 4096;
    private int d = 64;
    private int k = EmbeddingSpec.DEFAULT_K;
    private int hidden = EmbeddingSpec.DEFAULT_HIDDEN;
    private int embed = EmbeddingSpec.DEFAULT_EMBED;
    private int classes = 9;
    private int[] ipcs = {10, 50};
    private int rounds = 15;
    private int bigMatmul = 2048;
    private int stepsPerRound = 100;
    private boolean inputTerms = true;
    private double profileSeconds = 0;

    /** Entry point. */
    public static void main(String[] args) {
        System.setProperty("ai.djl.offline", "true");
        PerfBench b = new PerfBench();
        b.parse(args);
        b.run();
    }

    private void parse(String[] args) {
        for (int i = 0; i + 1 < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--n" -> n = Integer.parseInt(v);
                case "--d" -> d = Integer.parseInt(v);
                case "--k" -> k = Integer.parseInt(v);
                case "--hidden" -> hidden = Integer.parseInt(v);
                case "--embed" -> embed = Integer.parseInt(v);
                case "--classes" -> classes = Integer.parseInt(v);
                case "--ipc" -> ipcs = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--matmul" -> bigMatmul = Integer.parseInt(v);
                case "--steps" -> stepsPerRound = Integer.parseInt(v);
                case "--input-terms" -> inputTerms = !"off".equals(v);
                case "--profile-seconds" -> profileSeconds = Double.parseDouble(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
    }

    private void run() {
        Engine engine = Engine.getInstance();
        System.out.printf(Locale.ROOT, "engine %s %s, device %s, JVM processors %d, load average at start: %s%n",
                engine.getEngineName(), engine.getVersion(), engine.defaultDevice(),
                Runtime.getRuntime().availableProcessors(), loadAverage());
        EmbeddingSpec spec = new EmbeddingSpec(42L, k, d, hidden, embed, Activation.RELU, WeightInit.HE_UNIFORM);
        EmbeddingNetworks nets = new EmbeddingNetworks(spec);
        System.out.printf(Locale.ROOT,
                "sizes: n=%d d_in=%d K=%d hidden=%d embed=%d C=%d IPC=%s, %d rounds, optimiser runs of %d steps%n", n,
                d, k, hidden, embed, classes, Arrays.toString(ipcs), rounds, stepsPerRound);

        float[] xs = gaussian(n * d, 1);
        int[] ys = new int[n];
        for (int i = 0; i < n; i++) {
            ys[i] = i % classes;
        }
        EdgeSummarizer summarizer = new EdgeSummarizer(nets, SummaryOptions.defaults());
        SummaryStats summary = summarizer.summarize("edge", 1, xs, n, ys, classes);
        GlobalTargets gt = GlobalTargets.countWeighted(k, classes, embed, d);
        gt.put(summary);
        TargetSnapshot targets = gt.snapshot();
        DistilledSetOptimizer[] opts = new DistilledSetOptimizer[ipcs.length];
        DistilledSet[] inits = new DistilledSet[ipcs.length];
        for (int i = 0; i < ipcs.length; i++) {
            SynthConfig sc = new SynthConfig(ipcs[i], 0, 0, 0.03f, 0.5f, 1);
            opts[i] = new DistilledSetOptimizer(nets, inputTerms ? sc : sc.withInputTerms(0f, 0f));
            inits[i] = opts[i].initialise(targets);
        }
        if (profileSeconds > 0) {
            profile(opts[0], targets, inits[0]);
            return;
        }
        int kernelPerRound = 5;

        double[] tRef = new double[rounds];
        double[] tKernel = new double[rounds];
        double[] tSummary = new double[rounds];
        double[][] tStep = new double[ipcs.length][rounds];
        double[][] tMatmuls = new double[ipcs.length][rounds];
        double[] tPredict = new double[rounds];
        MlpModel student = student();
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray a = m.create(gaussian(bigMatmul * bigMatmul, 2), new Shape(bigMatmul, bigMatmul));
            NDArray b = m.create(gaussian(bigMatmul * bigMatmul, 3), new Shape(bigMatmul, bigMatmul));
            EmbeddingNetworks.Loaded w = nets.load(m);
            NDArray x = m.create(xs, new Shape(n, d));
            for (int r = -2; r < rounds; r++) { // two warm-up rounds
                double ref = Engines.timeMatmul(m, a, b);
                double kernel = Double.POSITIVE_INFINITY;
                for (int i = 0; i < kernelPerRound; i++) {
                    kernel = Math.min(kernel, timeKernel(m, nets, w, x));
                }
                double[] step = new double[ipcs.length];
                double[] matmuls = new double[ipcs.length];
                for (int i = 0; i < ipcs.length; i++) {
                    long t0 = System.nanoTime();
                    opts[i].run(targets, inits[i], stepsPerRound);
                    step[i] = (System.nanoTime() - t0) / 1e9 / stepsPerRound;
                    matmuls[i] = timeStepMatmuls(m, w, inits[i].size());
                }
                long t0 = System.nanoTime();
                summarizer.summarize("edge", 1, xs, n, ys, classes);
                double sum = (System.nanoTime() - t0) / 1e9;
                t0 = System.nanoTime();
                student.predict(xs, n);
                double pred = (System.nanoTime() - t0) / 1e9;
                if (r >= 0) {
                    tPredict[r] = pred;
                    tRef[r] = ref;
                    tKernel[r] = kernel;
                    tSummary[r] = sum;
                    for (int i = 0; i < ipcs.length; i++) {
                        tStep[i][r] = step[i];
                        tMatmuls[i][r] = matmuls[i];
                    }
                }
            }
        }
        double refFlops = 2.0 * bigMatmul * bigMatmul * (double) bigMatmul;
        double kernelFlops = 2.0 * n * spec.macsPerSample();
        double summaryFlops = kernelFlops + 2.0 * 2 * classes * n * k * embed;
        double refMed = refFlops / median(tRef) / 1e9;
        double refBest = refFlops / min(tRef) / 1e9;
        System.out.printf(Locale.ROOT, "(a) DJL matmul %d^3: median %.1f GFLOP/s (best round %.1f)%n", bigMatmul,
                refMed, refBest);
        report("(b) batched embedding kernel", kernelFlops, tKernel, refMed, refBest, "");
        for (int i = 0; i < ipcs.length; i++) {
            int mRows = inits[i].size();
            double fwd = 2.0 * mRows * spec.macsPerSample();
            report(String.format(Locale.ROOT, "(c) optimiser step IPC=%d (m=%d)", ipcs[i], mRows), 2 * fwd,
                    tStep[i], refMed, refBest,
                    String.format(Locale.ROOT, ", %.0f steps/s", 1 / median(tStep[i])));
            report(String.format(Locale.ROOT, "    the step's four matmuls alone (m=%d)", mRows), 2 * fwd,
                    tMatmuls[i], refMed, refBest, String.format(Locale.ROOT, ", %.0f %% of the step's time",
                            100 * median(tMatmuls[i]) / median(tStep[i])));
        }
        report("(d) edge summary (" + n + " rows)", summaryFlops, tSummary, refMed, refBest,
                String.format(Locale.ROOT, ", %.1f summaries/s, %.0f rows/s", 1 / median(tSummary),
                        n / median(tSummary)));
        System.out.printf(Locale.ROOT, "(e) student MLP %s scoring %d flows: median %.3f ms, %.0f flows/s%n",
                Arrays.toString(student.layerSizes()), n, median(tPredict) * 1e3, n / median(tPredict));
        long modelParams = student.parameterCount();
        System.out.printf(Locale.ROOT, "summary size %d bytes (K*C*e = %d floats of means + as many second moments"
                        + " + 2*C*d input moments + C counts); raw window %d bytes (%d x %d float32); edge student "
                        + "MLP %d-128-64-%d: %d bytes%n", summary.sizeBytes(), k * classes * embed, 4L * n * d, n,
                d, d, classes, 4 * modelParams);
        System.out.printf(Locale.ROOT, "load average at end: %s%n", loadAverage());
    }

    /**
     * Only optimiser runs of the first IPC, for {@code --profile-seconds} after a warm-up, so that a sampling
     * profiler can be attached to the printed pid (e.g. {@code perf record -e cpu-clock -p PID}).
     */
    private void profile(DistilledSetOptimizer opt, TargetSnapshot targets, DistilledSet init) {
        for (int i = 0; i < 20; i++) {
            opt.run(targets, init, stepsPerRound);
        }
        System.out.printf(Locale.ROOT, "profiling: pid %d, optimiser runs of %d steps at IPC %d for %.0f s%n",
                ProcessHandle.current().pid(), stepsPerRound, ipcs[0], profileSeconds);
        long end = System.nanoTime() + (long) (profileSeconds * 1e9);
        long t0 = System.nanoTime();
        long steps = 0;
        while (System.nanoTime() < end) {
            opt.run(targets, init, stepsPerRound);
            steps += stepsPerRound;
        }
        System.out.printf(Locale.ROOT, "profiling: %.3f ms per step%n", (System.nanoTime() - t0) / 1e6 / steps);
    }

    private MlpModel student() {
        int[] sizes = {d, 128, 64, classes};
        float[][] w = new float[3][];
        float[][] b = new float[3][];
        for (int i = 0; i < 3; i++) {
            w[i] = PortableWeights.matrix(7L, 0, i, sizes[i], sizes[i + 1], WeightInit.HE_UNIFORM);
            b[i] = new float[sizes[i + 1]];
        }
        return new MlpModel(sizes, w, b);
    }

    private static void report(String what, double flops, double[] t, double refMed, double refBest, String extra) {
        double med = flops / median(t) / 1e9;
        double best = flops / min(t) / 1e9;
        System.out.printf(Locale.ROOT, "%s: median %.3f ms, %.1f GFLOP/s = %.0f %% of (a); best round %.1f GFLOP/s"
                + " = %.0f %% of best (a)%s%n", what, median(t) * 1e3, med, 100 * med / refMed, best,
                100 * best / refBest, extra);
    }


    private static double timeKernel(NDManager m, EmbeddingNetworks nets, EmbeddingNetworks.Loaded w, NDArray x) {
        try (NDManager sm = m.newSubManager()) {
            sm.tempAttachAll(x);
            long t0 = System.nanoTime();
            nets.forward(w, x).getFloat(0, 0, 0);
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    /**
     * Time of the optimiser step's four matmuls alone, at its shapes (the forward GEMM and batched matmul, the
     * backward's two with the transposed weights), per step over runs of {@code STEP_MATMUL_RUNS}: the floor
     * under the step's time, which has the same FLOP count.
     */
    private static double timeStepMatmuls(NDManager m, EmbeddingNetworks.Loaded w, int rows) {
        long kh = w.w1t().getShape().get(0);
        long dIn = w.w1t().getShape().get(1);
        long kk = w.w2t().getShape().get(0);
        long e = w.w2t().getShape().get(1);
        long h = w.w2t().getShape().get(2);
        try (NDManager sm = m.newSubManager()) {
            NDArray xT = sm.randomNormal(new Shape(dIn, rows));
            NDArray gz2 = sm.randomNormal(new Shape(kk, e, rows));
            NDArray w1 = w.w1t().transpose();
            NDArray w2 = w.w2t().transpose(0, 2, 1);
            w1.attach(sm);
            w2.attach(sm);
            long t0 = System.nanoTime();
            for (int i = 0; i < STEP_MATMUL_RUNS; i++) {
                try (NDManager step = sm.newSubManager()) {
                    NDArray z1 = w.w1t().matMul(xT);
                    z1.attach(step);
                    NDArray z2 = w.w2t().batchMatMul(z1.reshape(kk, h, rows));
                    z2.attach(step);
                    NDArray gh1 = w2.batchMatMul(gz2);
                    gh1.attach(step);
                    NDArray gx = w1.matMul(gh1.reshape(kh, rows));
                    gx.attach(step);
                    if (i == STEP_MATMUL_RUNS - 1) {
                        gx.getFloat(0, 0);
                    }
                }
            }
            return (System.nanoTime() - t0) / 1e9 / STEP_MATMUL_RUNS;
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static float[] gaussian(int len, long seed) {
        Random r = new Random(seed);
        float[] v = new float[len];
        for (int i = 0; i < len; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(Double.NaN);
    }
}
