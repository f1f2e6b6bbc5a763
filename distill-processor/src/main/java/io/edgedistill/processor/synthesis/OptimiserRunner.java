package io.edgedistill.processor.synthesis;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.nn.EmbeddingNetworks;
import io.edgedistill.core.nn.EmbeddingSpec;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.synth.SynthConfig;
import io.edgedistill.core.synth.DistilledSet;
import io.edgedistill.core.synth.DistilledSetOptimizer;
import io.edgedistill.core.util.Engines;
import io.edgedistill.core.util.Workers;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.QuarantineEntry;
import io.edgedistill.processor.contributions.TargetUpdate;
import io.edgedistill.processor.metrics.ProcessorMetrics;
import io.edgedistill.schemas.SyntheticSet;
import io.edgedistill.schemas.mapping.RoundSpecs;
import io.edgedistill.schemas.mapping.SubClusterMapping;
import io.edgedistill.schemas.ClassMixture;
import io.edgedistill.schemas.Contribution;
import io.edgedistill.schemas.ContributionKind;
import io.edgedistill.schemas.Exclusion;
import io.edgedistill.schemas.Provenance;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.SyntheticSample;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the synthetic-set optimiser off the stream threads (docs/design.md §3.4): target changes are debounced per
 * task and handed to one worker thread, which warm-starts from the current set (bounded steps) when the set
 * covers the same round and classes, else optimises a fresh set, and publishes a new version only if it
 * lowers the matching loss on the new targets (both sets evaluated on the same targets). A fresh set is
 * always published when the current one is of another round (other networks: losses are not comparable) or
 * misses classes the targets now hold. Versions are monotonic per task.
 */
public final class OptimiserRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(OptimiserRunner.class);

    /** Outcome of one run (for tests and the API). */
    public record RunResult(String taskId, long roundId, boolean published, long version, double loss,
                            Double previousLoss, int steps, long millis) {
    }

    private final ProcessorConfig.Synthesis config;
    private final SyntheticSetSink sink;
    private final SyntheticSetState state;
    private final java.util.function.Predicate<String> owns;
    private final ProcessorMetrics metrics;
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "synthetic-set-optimiser");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, TargetUpdate> pending = new ConcurrentHashMap<>();
    /** Per task: the scheduled run and when it fires (epoch millis). */
    private final Map<String, Scheduled> scheduled = new ConcurrentHashMap<>();
    private final RoundQuorum quorum;

    private record Scheduled(java.util.concurrent.ScheduledFuture<?> run, long at) {
    }
    private final Map<String, EmbeddingNetworks> networks = new ConcurrentHashMap<>();
    private final Map<String, RunResult> lastRun = new ConcurrentHashMap<>();
    private final AtomicLong runs = new AtomicLong();

    public OptimiserRunner(ProcessorConfig.Synthesis config, SyntheticSetSink sink, SyntheticSetState state,
                           ProcessorMetrics metrics) {
        this(config, sink, state, metrics, 0);
    }

    /** @param fleet the registered edges ({@code processor.contributions.edge-keys}); 0 = unknown */
    public OptimiserRunner(ProcessorConfig.Synthesis config, SyntheticSetSink sink, SyntheticSetState state,
                           ProcessorMetrics metrics, int fleet) {
        this(config, sink, state, metrics, fleet, task -> true);
    }

    /**
     * @param owns whether this instance still aggregates a task when a run ends (with several processor instances, the
     *             task may have moved to another, which publishes from then on)
     */
    public OptimiserRunner(ProcessorConfig.Synthesis config, SyntheticSetSink sink, SyntheticSetState state,
                           ProcessorMetrics metrics, int fleet, java.util.function.Predicate<String> owns) {
        this.owns = owns;
        this.quorum = new RoundQuorum(config.quorum(), config.quorumWaitMs(), config.quorumQuietMs(),
                config.quorumMaxWaitMs(), fleet);
        this.config = config;
        this.sink = sink;
        this.state = state;
        this.metrics = metrics;
    }

    /** Warms the tensor engine on the optimiser's thread, so that the first round does not pay for it. */
    public void warmUp() {
        worker.execute(() -> {
            try {
                LOG.info("tensor engine warmed up in {} ms", Engines.warmUp().toMillis());
            } catch (RuntimeException e) {
                LOG.warn("tensor engine warm-up failed: {}", e.toString());
            }
        });
    }

    /**
     * Called on the stream thread: records the update and schedules a run, debounced, and no earlier than the round's
     * quorum allows ({@link RoundQuorum}). Never blocks.
     */
    public void onTargets(TargetUpdate update) {
        long now = System.currentTimeMillis();
        RoundQuorum.Verdict q = quorum.judge(update, now);
        // every expected edge answered: nothing left to coalesce, so no debounce either
        long delay = q.complete() ? 0 : Math.max(config.debounceMs(), q.waitMs());
        if (!q.met()) {
            LOG.info("task {} round {}: {} of the {} edges a quorum needs have answered; the set waits up to {} ms",
                    update.taskId(), update.roundId(), q.answered(), q.needed(), q.waitMs());
        }
        synchronized (scheduled) {
            pending.put(update.taskId(), update);
            Scheduled s = scheduled.get(update.taskId());
            if (s != null && s.at() <= now + delay) {
                return; // a run comes soon enough and takes this update
            }
            if (s != null && !s.run().cancel(false)) {
                return; // running now: it takes the pending update, or leaves it for the next call
            }
            schedule(update.taskId(), delay, now);
        }
    }

    /** A run of the task's pending update in {@code delay} ms; the caller holds {@code scheduled}'s lock. */
    private void schedule(String taskId, long delay, long now) {
        scheduled.put(taskId, new Scheduled(worker.schedule(() -> runPending(taskId), delay, TimeUnit.MILLISECONDS),
                now + delay));
    }

    public Optional<RunResult> lastRun(String taskId) {
        return Optional.ofNullable(lastRun.get(taskId));
    }

    public long runCount() {
        return runs.get();
    }

    private void runPending(String taskId) {
        TargetUpdate u;
        synchronized (scheduled) {
            scheduled.remove(taskId);
            u = pending.remove(taskId);
        }
        if (u == null) {
            return;
        }
        // a run scheduled before later answers moved the round's deadline waits for it
        long now = System.currentTimeMillis();
        RoundQuorum.Verdict q = quorum.judge(u, now);
        if (!q.met()) {
            synchronized (scheduled) {
                pending.putIfAbsent(taskId, u);
                if (!scheduled.containsKey(taskId)) {
                    schedule(taskId, q.waitMs(), now);
                }
            }
            return;
        }
        try {
            RunResult r = run(u);
            lastRun.put(taskId, r);
        } catch (Exception e) {
            LOG.error("optimiser run for task {} round {} failed", taskId, u.roundId(), e);
        }
    }

    /** One optimisation + publish decision, synchronously (the worker calls it; tests may too). */
    public RunResult run(TargetUpdate u) throws Exception {
        long start = System.nanoTime();
        runs.incrementAndGet();
        metrics.optimiserRuns.increment();
        RoundSpec r = u.round();
        TargetSnapshot t = u.targets();
        EmbeddingSpec es = RoundSpecs.embeddingSpec(r);
        EmbeddingNetworks nets = networks.computeIfAbsent(RoundSpecs.roundKey(u.taskId(), r.getRoundId()),
                k -> new EmbeddingNetworks(es));
        SynthConfig sc = new SynthConfig(Math.max(1, r.getSamplesPerClass()), config.steps(),
                config.warmSteps(), config.learningRate(), config.secondMomentWeight(),
                r.getSeed());
        DistilledSetOptimizer opt = new DistilledSetOptimizer(nets, sc);
        Optional<SyntheticSetState.PublishedSet> cur = state.current(u.taskId());
        boolean comparable = cur.isPresent() && cur.get().roundId() == r.getRoundId()
                && cur.get().set().dIn() == t.dIn() && cur.get().set().numClasses() == t.numClasses()
                && cur.get().set().ipc() == sc.ipc() && coverage(cur.get().set()).equals(coverage(t));
        DistilledSet candidate;
        Optional<DistilledSet> accepted;
        Double previousLoss = null;
        int steps;
        if (comparable) {
            candidate = opt.warmStart(t, cur.get().set());
            steps = sc.warmSteps();
            previousLoss = opt.loss(t, cur.get().set());
            accepted = opt.publishIfBetter(t, candidate, cur.get().set(), config.minRelativeGain());
        } else {
            candidate = opt.optimise(t);
            steps = sc.steps();
            accepted = opt.publishIfBetter(t, candidate, null, 0);
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        if (accepted.isEmpty()) {
            metrics.optimiserRun.record(java.time.Duration.ofMillis(millis));
            LOG.info("task {} round {}: warm start did not improve the loss ({} vs {}), no new version", u.taskId(),
                    r.getRoundId(), candidate.loss(), previousLoss);
            return new RunResult(u.taskId(), r.getRoundId(), false,
                    cur.map(SyntheticSetState.PublishedSet::version).orElse(0L),
                    candidate.loss(), previousLoss, steps, millis);
        }
        DistilledSet best = opt.withSoftLabels(t, accepted.get(), config.softLabelTemperature());
        if (!owns.test(u.taskId())) {
            LOG.info("task {} round {}: its aggregation moved to another processor instance during the run; not publishing",
                    u.taskId(), r.getRoundId());
            return new RunResult(u.taskId(), r.getRoundId(), false, cur.map(SyntheticSetState.PublishedSet::version).orElse(0L),
                    best.loss(), previousLoss, steps, millis);
        }
        // the newest version any instance published (the sets store follows the topic), not only the one the run began from
        long version = state.current(u.taskId()).map(c -> c.version() + 1).orElse(1L);
        SyntheticSet avro = toAvro(u, best, version, previousLoss, steps);
        sink.publish(avro);
        state.update(avro);
        metrics.syntheticSetsPublished.increment();
        millis = (System.nanoTime() - start) / 1_000_000;
        metrics.optimiserRun.record(java.time.Duration.ofMillis(millis));
        if (r.getCreatedAt() != null) {
            metrics.setAfterRound.record(java.time.Duration.between(r.getCreatedAt(), Instant.now()));
        }
        LOG.info("task {} round {}: published synthetic set v{} (loss {} , previous {}, {} steps, {} ms)", u.taskId(),
                r.getRoundId(), version, best.loss(), previousLoss, steps, millis);
        return new RunResult(u.taskId(), r.getRoundId(), true, version, best.loss(), previousLoss, steps, millis);
    }

    private static TreeSet<Integer> coverage(DistilledSet s) {
        TreeSet<Integer> out = new TreeSet<>();
        for (int y : s.labels()) {
            out.add(y);
        }
        return out;
    }

    private static TreeSet<Integer> coverage(TargetSnapshot t) {
        TreeSet<Integer> out = new TreeSet<>();
        for (int c = 0; c < t.numClasses(); c++) {
            if (t.hasClass(c)) {
                out.add(c);
            }
        }
        return out;
    }

    static SyntheticSet toAvro(TargetUpdate u, DistilledSet s, long version, Double previousLoss,
                                                      int steps) {
        RoundSpec r = u.round();
        int d = s.dIn();
        int numC = s.numClasses();
        List<SyntheticSample> samples = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
            List<Float> f = new ArrayList<>(d);
            for (int j = 0; j < d; j++) {
                f.add(s.x()[i * d + j]);
            }
            List<Float> soft = new ArrayList<>();
            if (s.softLabels() != null) {
                for (int c = 0; c < numC; c++) {
                    soft.add(s.softLabels()[i * numC + c]);
                }
            }
            samples.add(SyntheticSample.newBuilder().setLabel(s.labels()[i]).setFeatures(f).setSoftLabel(soft).build());
        }
        List<Contribution> contributions = new ArrayList<>();
        for (SummaryStats e : u.accepted()) {
            contributions.add(Contribution.newBuilder().setEdgeId(e.edgeId()).setRoundId(e.roundId())
                    .setKind(e.kind() == SummaryKind.KNOWLEDGE ? ContributionKind.KNOWLEDGE : ContributionKind.SUMMARY)
                    .setSamples(Arrays.stream(e.reportedCounts()).sum())
                    .build());
        }
        List<Exclusion> exclusions = new ArrayList<>();
        for (QuarantineEntry q : u.excluded()) {
            exclusions.add(Exclusion.newBuilder().setEdgeId(q.edgeId()).setRoundId(q.roundId())
                    .setReason((q.kind() == SummaryKind.KNOWLEDGE ? "knowledge: " : "") + q.reason())
                    .setScore(q.score()).setThreshold(q.threshold()).build());
        }
        return SyntheticSet.newBuilder()
                .setTaskId(u.taskId())
                .setVersion(version)
                .setRoundId(r.getRoundId())
                .setSamplesPerClass(s.ipc())
                .setFeatureDim(d)
                .setClasses(new ArrayList<>(r.getClasses()))
                .setSamples(samples)
                .setMatchingLoss(s.loss())
                .setPreviousLoss(previousLoss)
                .setOptimisationSteps((int) Math.min(Integer.MAX_VALUE, s.steps()))
                .setProvenance(Provenance.newBuilder().setContributions(contributions).setExclusions(exclusions).build())
                .setPreprocessingSha256(r.getPreprocessing().getSha256())
                .setMixture(mixture(u, numC))
                .setCreatedAt(Instant.now())
                .build();
    }

    /**
     * The mixture of the accepted data summaries' sub-clusters (summary v2), from which the updater generates its
     * training rows; null when none of them carries sub-clusters. Knowledge is not pooled here: it describes one
     * edge's errors, not the fleet's data.
     */
    static List<ClassMixture> mixture(TargetUpdate u, int numClasses) {
        return u.mixture().isEmpty() ? null : SubClusterMapping.mixtureToWire(u.mixture(), numClasses);
    }

    @Override
    public void close() {
        Workers.stopNow(worker, java.time.Duration.ofSeconds(10));
    }
}
