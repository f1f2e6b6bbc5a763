package io.edgedistill.bench.eval;

import io.edgedistill.core.aggregate.BackdoorScreen;
import io.edgedistill.core.personal.CohortTraining;
import io.edgedistill.core.aggregate.PoisonDetector;
import io.edgedistill.core.mixture.ColumnLayout;

import io.edgedistill.core.data.ColumnMapping;
import io.edgedistill.core.data.DataDescription;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.mixture.SubClusterOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Evaluation CLI: quality of a detector trained by each method (pooled, random subset, one-shot FedAvg,
 * local-distill-then-merge, reference CollabDM, ours) on non-IID edges, plus the poisoning experiment.
 *
 * <pre>
 * ./mvnw -q -pl bench -am package -DskipTests
 * java -Dai.djl.offline=true -cp "$(cat bench/target/classpath.txt):bench/target/classes" \
 *      io.edgedistill.bench.eval.EvaluateMain --format nsl-kdd \
 *      --data ../shared/datasets/nsl-kdd/KDDTrain+_20Percent.txt --edges 10 --beta 0.1 --ipc 10 --reps 3
 * </pre>
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Distillation quality vs baselines on Dirichlet(beta) non-IID edges.")
public final class EvaluateMain implements Callable<Integer> {

    @Option(names = "--data", description = "one labelled file, split into train/test by --test-fraction")
    Path data;
    @Option(names = "--train", description = "training file (with --test)")
    Path trainFile;
    @Option(names = "--test", description = "test file (with --train)")
    Path testFile;
    @Option(names = "--generate", description = "generate this many synthetic 5G-NIDD-schema rows instead of reading a file")
    Integer generate;
    @Option(names = "--gen-seed", defaultValue = "1", description = "generator seed (default ${DEFAULT-VALUE})")
    long genSeed;
    @Option(names = "--min-per-class", defaultValue = "300", description = "generator: minimum rows per class (default ${DEFAULT-VALUE})")
    int minPerClass;

    @Option(names = "--format", defaultValue = "5g-nidd", description = "a data description, as the services and the demo "
            + "take it: 5g-nidd | nsl-kdd | cic-ids2017 | a YAML file; or csv with --label, --categorical, --drop (default ${DEFAULT-VALUE})")
    String format;
    @Option(names = "--label", description = "csv: label column name")
    String label;
    @Option(names = "--label-index", description = "csv: label column index (negative = from the end)")
    Integer labelIndex;
    @Option(names = "--no-header", description = "csv: file has no header (give --columns)")
    boolean noHeader;
    @Option(names = "--columns", split = ",", description = "csv: column names")
    List<String> columns;
    @Option(names = "--categorical", split = ",", description = "csv: categorical columns")
    List<String> categorical;
    @Option(names = "--drop", split = ",", description = "csv: columns to drop")
    List<String> drop;
    @Option(names = "--max-rows", defaultValue = "2147483647", description = "read at most this many rows per file")
    int maxRows;
    @Option(names = "--test-fraction", defaultValue = "0.2", description = "test share of the split (default ${DEFAULT-VALUE})")
    double testFraction;
    @Option(names = "--split-seed", defaultValue = "1", description = "seed of the stratified split (default ${DEFAULT-VALUE})")
    long splitSeed;

    @Option(names = "--edges", defaultValue = "10", description = "edges (default ${DEFAULT-VALUE})")
    int edges;
    @Option(names = "--beta", split = ",", defaultValue = "0.1", description = "Dirichlet beta(s) (default ${DEFAULT-VALUE})")
    List<Double> betas;
    @Option(names = "--ipc", split = ",", defaultValue = "10", description = "samples per class (default ${DEFAULT-VALUE})")
    List<Integer> ipcs;
    @Option(names = "--grid", defaultValue = "star",
            description = "star: first (ipc, beta) plus one-at-a-time variations; product: all pairs (default ${DEFAULT-VALUE})")
    String grid;
    @Option(names = "--reps", defaultValue = "3", description = "repetitions (default ${DEFAULT-VALUE})")
    int reps;
    @Option(names = "--seed", defaultValue = "1", description = "base seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--k", defaultValue = "8", description = "embedding networks K (default ${DEFAULT-VALUE})")
    int k;
    @Option(names = "--hidden", defaultValue = "128", description = "embedding hidden width (default ${DEFAULT-VALUE})")
    int hidden;
    @Option(names = "--embed", defaultValue = "64", description = "embedding width (default ${DEFAULT-VALUE})")
    int embed;
    @Option(names = "--synth-steps", defaultValue = "400", description = "distillation Adam steps (default ${DEFAULT-VALUE})")
    int synthSteps;
    @Option(names = "--synth-lr", defaultValue = "0.03", description = "distillation learning rate (default ${DEFAULT-VALUE})")
    float synthLr;
    @Option(names = "--second-moment-weight", defaultValue = "0.5", description = "distillation second-moment term weight (default ${DEFAULT-VALUE})")
    float secondMomentWeight;
    @Option(names = "--no-second-moments", description = "edges send no second moments (the processor's default "
            + "rounds): the detector then estimates within-class variance from the class means alone")
    boolean noSecondMoments;
    @Option(names = "--input-moment-weight", defaultValue = "3",
            description = "distillation: weight of the per-class input-moment term, 0 = off (default ${DEFAULT-VALUE})")
    float inputMomentWeight;
    @Option(names = "--box-sigmas", defaultValue = "3",
            description = "distillation: per-class box (0/1 columns in [0,1], others class mean +- this many class std), 0 = off (default ${DEFAULT-VALUE})")
    float boxSigmas;
    @Option(names = "--mlp-hidden", defaultValue = "64", description = "detector hidden width (default ${DEFAULT-VALUE})")
    int mlpHidden;
    @Option(names = "--fed-epochs", defaultValue = "3", description = "FedAvg local epochs (default ${DEFAULT-VALUE})")
    int fedEpochs;
    @Option(names = "--fedavg-rounds", defaultValue = "3",
            description = "rounds of the fedavg-rounds method (default ${DEFAULT-VALUE})")
    int fedAvgRounds;
    @Option(names = "--no-input-moments", description = "summaries without input-space moments (synthetic init from noise)")
    boolean noInputMoments;

    @Option(names = "--no-prior-correction",
            description = "do not add log class priors (from the counts the cloud receives) to the logits of detectors trained on balanced small sets")
    boolean noPriorCorrection;

    @Option(names = "--poison", defaultValue = "none",
            description = "none | flip | scale | both | inflate (counts × each --inflate factor, honest and flipped content) | all (default ${DEFAULT-VALUE})")
    String poison;
    @Option(names = "--poison-trials", defaultValue = "20", description = "seeded poisoning trials (default ${DEFAULT-VALUE})")
    int poisonTrials;
    @Option(names = "--poison-f1-trials", defaultValue = "3", description = "trials that also measure macro-F1 (default ${DEFAULT-VALUE})")
    int poisonF1Trials;
    @Option(names = "--scale", defaultValue = "3.0", description = "factor of the scaled attack (default ${DEFAULT-VALUE})")
    double scale;
    @Option(names = "--inflate", split = ",", defaultValue = "2,5,100",
            description = "factors of the count-inflation attacks (default ${DEFAULT-VALUE})")
    List<Double> inflate;
    @Option(names = "--honest-rounds", defaultValue = "0",
            description = "screen this many honest rounds (no attacker) per beta and count false quarantines (default ${DEFAULT-VALUE})")
    int honestRounds;
    @Option(names = "--z-threshold", defaultValue = "8.0", description = "detector: z threshold (default ${DEFAULT-VALUE})")
    double zThreshold;
    @Option(names = "--peer-slack", defaultValue = "" + PoisonDetector.DEFAULT_PEER_SLACK,
            description = "detector: threshold × (1 + this / peers), 0 = flat (default ${DEFAULT-VALUE})")
    double peerSlack;
    @Option(names = "--count-cap", defaultValue = "" + PoisonDetector.DEFAULT_COUNT_CAP,
            description = "detector and aggregation: per-class counts bounded by this × the median edge total, 0 = off (default ${DEFAULT-VALUE})")
    double countCap;
    @Option(names = "--count-weighted-trace", description = "detector: variance trace at least the count-weighted mean of "
            + "the other holders' traces (default: the upper median of the holders' traces)")
    boolean weightedTrace;
    @Option(names = "--edge-fraction", defaultValue = "1.0",
            description = "each edge summarises this seeded random fraction of its shard (an early streaming window) (default ${DEFAULT-VALUE})")
    double edgeFraction;
    @Option(names = "--min-judged-count", defaultValue = "" + PoisonDetector.DEFAULT_MIN_JUDGED_COUNT,
            description = "detector: a holder's class is judged from this many rows on, 0 = all (default ${DEFAULT-VALUE})")
    long minJudgedCount;
    @Option(names = "--min-class-count", defaultValue = "2", description = "detector: min rows of a judged class (default ${DEFAULT-VALUE})")
    long minClassCount;
    @Option(names = "--backdoor", split = ",", description = "backdoor experiment variants: rare, optimised (issue 15; "
            + "the product's sub-cluster path, one attacker among --edges)")
    List<String> backdoor;
    @Option(names = "--backdoor-p", split = ",", defaultValue = "0.01,0.05,0.1,0.2",
            description = "backdoor: share of the attacker's attack rows it stamps and relabels (default ${DEFAULT-VALUE})")
    List<Double> backdoorP;
    @Option(names = "--backdoor-trials", defaultValue = "5", description = "backdoor: seeded trials per cell (default ${DEFAULT-VALUE})")
    int backdoorTrials;
    @Option(names = "--backdoor-honest", defaultValue = "0",
            description = "backdoor screen on this many honest rounds per beta: honest edges flagged (default ${DEFAULT-VALUE})")
    int backdoorHonest;
    @Option(names = "--backdoor-margin", defaultValue = "" + BackdoorScreen.Config.DEFAULT_MARGIN,
            description = "backdoor screen: nats per column by which the look-alike class must win (default ${DEFAULT-VALUE})")
    double backdoorMargin;
    @Option(names = "--backdoor-typical", defaultValue = "" + BackdoorScreen.Config.DEFAULT_TYPICAL_QUANTILE,
            description = "backdoor screen: quantile of the look-alike class's own scores to reach (default ${DEFAULT-VALUE})")
    double backdoorTypical;
    @Option(names = "--backdoor-trigger-columns", defaultValue = "" + BackdoorScreen.Config.DEFAULT_TRIGGER_COLUMNS,
            description = "backdoor screen: stamped columns the typical score allows for (default ${DEFAULT-VALUE})")
    int backdoorTriggerColumns;
    @Option(names = "--backdoor-inflate", split = ",", description = "count inflation on the shipped path: the "
            + "strongest attacker's counts × each factor, content honest and with a backdoor on --backdoor-inflate-p")
    List<Double> backdoorInflate;
    @Option(names = "--backdoor-inflate-p", defaultValue = "0.1", description = "backdoor share of the inflating attacker (default ${DEFAULT-VALUE})")
    double backdoorInflateP;
    @Option(names = "--backdoor-min-peers", defaultValue = "" + BackdoorScreen.Config.DEFAULT_MIN_PEERS,
            description = "backdoor screen: other edges with moments of the judged class at least (default ${DEFAULT-VALUE})")
    int backdoorMinPeers;
    @Option(names = "--backdoor-min-lookalike-peers", defaultValue = "" + BackdoorScreen.Config.DEFAULT_MIN_LOOKALIKE_PEERS,
            description = "backdoor screen: other edges with moments of the look-alike class at least (default ${DEFAULT-VALUE})")
    int backdoorMinLookalikePeers;
    @Option(names = "--backdoor-quarantine-margin", defaultValue = "" + BackdoorScreen.Config.DEFAULT_QUARANTINE_MARGIN,
            description = "backdoor screen: a flag of this margin quarantines the edge; weaker ones leave out the sub-cluster (default ${DEFAULT-VALUE})")
    double backdoorQuarantineMargin;
    @Option(names = "--drift", split = ",", description = "reverse-distillation experiment scenarios: mix, feature, novel "
            + "(issue 14; one drifted edge beside the fleet, docs/results.md)")
    List<String> drift;
    @Option(names = "--drift-trials", defaultValue = "5", description = "reverse distillation: seeded trials per scenario (default ${DEFAULT-VALUE})")
    int driftTrials;
    @Option(names = "--cohort-rows-per-class", defaultValue = "" + CohortTraining.Settings.DEFAULT_ROWS_PER_CLASS,
            description = "cohort fine-tune: generated rows per class the edge reports (default ${DEFAULT-VALUE})")
    int cohortRowsPerClass;
    @Option(names = "--cohort-epochs", defaultValue = "" + CohortTraining.Settings.DEFAULT_EPOCHS,
            description = "cohort fine-tune: epochs (default ${DEFAULT-VALUE})")
    int cohortEpochs;
    @Option(names = "--cohort-tolerance", defaultValue = "0.05", description = "reverse distillation: the updater's "
            + "personalised-tolerance, macro-F1 a personalised model may lose on the validation rows (default ${DEFAULT-VALUE})")
    double cohortTolerance;
    @Option(names = "--cohort-min-gain", defaultValue = "0.01", description = "reverse distillation: the edge's "
            + "personalised-min-gain on its hold-out (default ${DEFAULT-VALUE})")
    double cohortMinGain;
    @Option(names = "--knowledge-confidence", defaultValue = "0.6", description = "reverse distillation: the edge's "
            + "edge.knowledge.confidence; rows predicted with a lower top probability go into the knowledge with the "
            + "mistakes (above 1: every row, the whole class) (default ${DEFAULT-VALUE})")
    float knowledgeConfidence;
    @Option(names = "--cohort-keep-per-class", defaultValue = "" + CohortTraining.Settings.DEFAULT_KEEP_PER_CLASS,
            description = "cohort fine-tune: fleet rows of each class the edge does not report (default ${DEFAULT-VALUE})")
    int cohortKeepPerClass;
    @Option(names = "--cohort-lr", defaultValue = "" + CohortTraining.Settings.DEFAULT_LEARNING_RATE,
            description = "cohort fine-tune: learning rate (default ${DEFAULT-VALUE})")
    float cohortLr;
    @Option(names = "--backdoor-all-classes", description = "backdoor screen: judge every class's components (default: the benign class's)")
    boolean backdoorAllClasses;
    @Option(names = "--skip-quality", description = "only the poisoning experiment")
    boolean skipQuality;

    @Option(names = "--methods", split = ",",
            description = "methods to run (default: pooled,random-subset,fedavg-1shot,local-distill-merge,collabdm-unweighted,"
                    + "ours,ours-core-teacher; also subcluster-prior, subcluster-prior-teacher, shipped, shipped-refined)")
    List<String> methods;

    @Option(names = "--subclusters", defaultValue = "" + SubClusterOptions.DEFAULT_MAX_CLUSTERS,
            description = "sub-cluster methods: M, sub-clusters per class per edge at most (default ${DEFAULT-VALUE})")
    int subclusters;
    @Option(names = "--k-min", defaultValue = "" + SubClusterOptions.DEFAULT_K_MIN,
            description = "sub-cluster methods: rows per sub-cluster at least; classes with fewer rows send counts only (default ${DEFAULT-VALUE})")
    int kMin;
    @Option(names = "--generated-per-class", defaultValue = "" + SubclusterSettings.DEFAULT_GENERATED_PER_CLASS,
            description = "subcluster-prior: generated rows = this × classes, split by the global class counts (default ${DEFAULT-VALUE})")
    int generatedPerClass;
    @Option(names = "--teacher-per-class", defaultValue = "0",
            description = "subcluster-prior-teacher: balanced rows per class, 0 = IPC (default ${DEFAULT-VALUE})")
    int teacherPerClass;
    @Option(names = "--privacy-check",
            description = "subcluster-prior: nearest-neighbour distances of generated rows to real rows (repetition 0)")
    boolean privacyCheck;
    @Option(names = "--shipped-recipe", split = ",", paramLabel = "ROWS,TEACHER_EPOCHS,STUDENT_EPOCHS",
            description = "shipped: generated rows per class and epochs of the updater's recipe (default: the updater's, "
                    + GeneratedTraining.DEFAULT_ROWS_PER_CLASS + "," + GeneratedTraining.DEFAULT_TEACHER_EPOCHS + ","
                    + GeneratedTraining.DEFAULT_STUDENT_EPOCHS + ")")
    List<Integer> shippedRecipe;
    @Option(names = "--f1-without", split = ",", paramLabel = "CLASS",
            description = "also report macro-F1 over the classes other than these (e.g. U2R on NSL-KDD)")
    List<String> f1Without;
    @Option(names = "--float16",
            description = "sub-cluster methods: the cloud receives means and variances rounded to float16 (bytes counted so)")
    boolean float16;

    @Option(names = "--out", description = "append the Markdown report to this file")
    Path out;
    @Option(names = "--csv", description = "write the aggregated rows as CSV")
    Path csvOut;

    private Set<Integer> classIndices(List<String> classes, List<String> names) {
        Set<Integer> out = new TreeSet<>();
        for (String n : names) {
            int i = classes.indexOf(n);
            if (i < 0) {
                throw new CommandLine.ParameterException(new CommandLine(this),
                        "--f1-without: unknown class " + n + "; classes: " + classes);
            }
            out.add(i);
        }
        return out;
    }

    private GeneratedTraining.Settings shipped() {
        GeneratedTraining.Settings d = SubclusterSettings.shippedDefaults();
        if (shippedRecipe == null) {
            return d;
        }
        if (shippedRecipe.size() != 3) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--shipped-recipe takes ROWS,TEACHER_EPOCHS,STUDENT_EPOCHS");
        }
        return new GeneratedTraining.Settings(shippedRecipe.get(0), d.minPerClass(), shippedRecipe.get(1),
                shippedRecipe.get(2), d.temperature(), d.alpha());
    }

    /** The Markdown text of the last run (for tests). */
    String lastReport;

    public static void main(String[] args) {
        if (System.getProperty("ai.djl.offline") == null) {
            System.setProperty("ai.djl.offline", "true");
        }
        System.exit(new CommandLine(new EvaluateMain()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        DataLoading.Prepared prep = prepare();
        log("data: " + prep.description());
        StringBuilder md = new StringBuilder();
        md.append("### Evaluation: ").append(prep.description()).append("\n\n");
        md.append(String.format(Locale.ROOT,
                (skipQuality ? "" : "reps " + reps + ", ") + "edges %d, seed %d, K=%d, hidden %d, embed %d, synth steps %d (lr %s, second-moment weight %s, input-moment weight %s, box %s sigma), detector MLP hidden %d, "
                        + "FedAvg %d local epochs, input moments %s, prior correction %s, second moments %s; "
                        + "sub-clusters M=%d, k_min=%d, generated %d per class, teacher %s per class, float16 %s%n",
                edges, seed, k, hidden, embed, synthSteps, synthLr, secondMomentWeight, inputMomentWeight, boxSigmas, mlpHidden, fedEpochs, !noInputMoments,
                !noPriorCorrection, !noSecondMoments, subclusters, kMin, generatedPerClass,
                teacherPerClass > 0 ? Integer.toString(teacherPerClass) : "IPC", float16));
        if (methods != null && !Harness.ALL_METHODS.containsAll(methods)) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "unknown method in " + methods + "; known: " + Harness.ALL_METHODS);
        }
        Harness h = new Harness(prep.train(), prep.test(), prep.spec(),
                new SubclusterSettings(subclusters, kMin, generatedPerClass, teacherPerClass, privacyCheck,
                float16, shipped()));
        Harness.Settings base = new Harness.Settings(edges, betas.get(0), ipcs.get(0), seed, k, hidden, embed, synthSteps,
                synthLr, secondMomentWeight, mlpHidden, fedEpochs, !noInputMoments, !noPriorCorrection, inputMomentWeight,
                boxSigmas, !noSecondMoments);
        h.detector(new PoisonDetector.Config(zThreshold, 1.5, minClassCount, 2, peerSlack, countCap, weightedTrace,
                minJudgedCount));
        h.edgeFraction(edgeFraction);
        h.fedAvgRounds(fedAvgRounds);
        md.append(String.format(Locale.ROOT, "detector: z %s, peer slack %s, count cap %s, trace %s, min class count %d, min judged count %d; edge fraction %s%n",
                trim(zThreshold), trim(peerSlack), trim(countCap), weightedTrace ? "count-weighted" : "median", minClassCount,
                minJudgedCount, trim(edgeFraction)));
        Report report = f1Without == null ? new Report() : new Report(classIndices(prep.train().classNames(), f1Without),
                String.join(", ", f1Without));
        if (!skipQuality) {
            for (double[] cfg : configs()) {
                Harness.Settings s = base.with(edges, cfg[0], (int) cfg[1]);
                String name = String.format(Locale.ROOT, "edges=%d beta=%s ipc=%d", edges, trim(cfg[0]), (int) cfg[1]);
                for (int rep = 0; rep < reps; rep++) {
                    long tr = System.nanoTime();
                    for (Harness.Run run : h.runRep(s, rep, methods == null ? Harness.METHODS : methods)) {
                        report.add(name, run);
                    }
                    log(String.format(Locale.ROOT, "%s rep %d done in %.1f s", name, rep, (System.nanoTime() - tr) / 1e9));
                }
            }
            md.append(report.markdown());
            md.append(privacySection(h));
        }
        if (honestRounds > 0) {
            md.append(honestSection(h, base));
        }
        if (!"none".equals(poison)) {
            md.append(poisonSection(h, base));
        }
        if (backdoor != null || backdoorHonest > 0 || backdoorInflate != null) {
            md.append(backdoorSection(prep, base));
        }
        if (drift != null) {
            md.append(driftSection(prep, base));
        }
        md.append(String.format(Locale.ROOT, "%nTotal wall time %.1f s.%n", (System.nanoTime() - t0) / 1e9));
        lastReport = md.toString();
        System.out.println(lastReport);
        if (out != null) {
            Files.writeString(out, lastReport + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        if (csvOut != null) {
            Files.writeString(csvOut, report.csv(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    private String privacySection(Harness h) {
        if (h.privacyRows().isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n#### Nearest real row (subcluster-prior, "
                + "repetition 0, %d queries each, Euclidean in feature space)%n%n", NearestNeighbourCheck.QUERIES));
        sb.append("| setting | generated → real: median | 5th pct | exact copies | real → other real: median | 5th pct | exact duplicates |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        h.privacyRows().forEach(r -> sb.append(r).append('\n'));
        return sb.toString();
    }

    private String driftSection(DataLoading.Prepared prep, Harness.Settings base) {
        CohortTraining.Settings cs = new CohortTraining.Settings(cohortRowsPerClass, CohortTraining.Settings.DEFAULT_MIN_PER_CLASS,
                cohortKeepPerClass, cohortEpochs, CohortTraining.Settings.DEFAULT_BATCH_SIZE,
                cohortLr, CohortTraining.Settings.DEFAULT_WEIGHT_DECAY);
        DriftExperiment x = new DriftExperiment(prep.train(), prep.test(), ColumnLayout.of(prep.spec()),
                prep.spec().benignIndex(), new SubclusterSettings(subclusters, kMin, generatedPerClass, teacherPerClass,
                false, float16, shipped()), cs, countCap, cohortTolerance, cohortMinGain, knowledgeConfidence);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n#### Reverse distillation: %d fleet edges, one "
                + "drifted edge (%d rows from the %.0f %% reserve, %.0f %% held out); cohort fine-tune %d rows/class, keep %d, %d "
                + "epochs, lr %s; gates: tolerance %s on the validation rows, edge min gain %s; knowledge confidence %s%n%n", edges,
                DriftExperiment.DRIFTED_ROWS, 100 * DriftExperiment.RESERVE, 100 * DriftExperiment.HOLD_OUT,
                cohortRowsPerClass, cohortKeepPerClass, cohortEpochs, trim(cohortLr), trim(cohortTolerance),
                trim(cohortMinGain), trim(knowledgeConfidence)));
        sb.append(DriftReport.tables(x, base, edges, betas, drift, driftTrials));
        return sb.toString();
    }

    private String backdoorSection(DataLoading.Prepared prep, Harness.Settings base) {
        BackdoorScreen.Config sc = new BackdoorScreen.Config(backdoorMargin, BackdoorScreen.Config.DEFAULT_DIMENSION_CAP,
                BackdoorScreen.Config.DEFAULT_VARIANCE_FLOOR, backdoorTypical, backdoorMinPeers,
                backdoorMinLookalikePeers, backdoorTriggerColumns, backdoorQuarantineMargin, backdoorAllClasses ? -1 : prep.spec().benignIndex());
        BackdoorExperiment x = new BackdoorExperiment(prep.train(), prep.test(), ColumnLayout.of(prep.spec()),
                prep.spec().benignIndex(), new SubclusterSettings(subclusters, kMin, generatedPerClass, teacherPerClass,
                false, float16, shipped()), sc, countCap);
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n#### Backdoor: 1 of %d edges (the one with "
                + "the most attack rows) stamps a trigger on a share p of its attack rows and relabels them %s; "
                + "screen margin %s nats/column, typical quantile %s, trigger columns %d%n%n", edges,
                prep.train().classNames().get(prep.spec().benignIndex()),
                trim(backdoorMargin), trim(backdoorTypical), backdoorTriggerColumns));
        if (backdoor != null) {
            sb.append("| variant | beta | p | trials | rows stamped (mean) | attacker flagged (quarantined) | honest edges "
                    + "quarantined (sub-clusters left out) | success, no defence | success, defended | clean F1: honest "
                    + "only / defended / undefended |\n");
            sb.append("|---|---|---|---|---|---|---|---|---|---|\n");
            for (String v : backdoor) {
                BackdoorExperiment.Variant variant = BackdoorExperiment.Variant.valueOf(v.toUpperCase(Locale.ROOT));
                for (double b : betas) {
                    Harness.Settings s = base.with(edges, b, base.ipc());
                    for (double p : backdoorP) {
                        int caught = 0;
                        int quarantined = 0;
                        int fp = 0;
                        int fpc = 0;
                        double stamped = 0;
                        double[] sum = new double[5];
                        for (int t = 0; t < backdoorTrials; t++) {
                            BackdoorExperiment.Trial r = x.trial(s, 3000 + t, p, variant);
                            caught += r.caught() ? 1 : 0;
                            quarantined += r.quarantined() ? 1 : 0;
                            fp += r.falseFlags();
                            fpc += r.falseComponents();
                            stamped += r.stamped();
                            sum[0] += r.successUndefended();
                            sum[1] += r.successDefended();
                            sum[2] += r.cleanF1();
                            sum[3] += r.defendedF1();
                            sum[4] += r.undefendedF1();
                            log(String.format(Locale.ROOT, "backdoor %s beta %s p %s trial %d: %s, %d stamped (%s), "
                                    + "caught %s, false %d, success %.3f -> %.3f, F1 %.4f / %.4f / %.4f %s", v, trim(b),
                                    trim(p), t, r.attacker(), r.stamped(), r.trigger(), r.caught(), r.falseFlags(),
                                    r.successUndefended(), r.successDefended(), r.cleanF1(), r.defendedF1(),
                                    r.undefendedF1(), r.reason()));
                        }
                        int n = backdoorTrials;
                        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %.1f | %d (%d) / %d | %d (%d) | "
                                        + "%.1f %% | %.1f %% | %.4f / %.4f / %.4f |%n", v, trim(b), trim(p), n, stamped / n,
                                caught, quarantined, n, fp, fpc, 100 * sum[0] / n, 100 * sum[1] / n, sum[2] / n, sum[3] / n, sum[4] / n));
                    }
                }
            }
            sb.append("\nSuccess: share of the triggered test attack rows the shipped student calls benign, minus the "
                    + "share for the student of the honest edges alone (mean over trials).\n");
        }
        if (backdoorInflate != null) {
            sb.append(String.format(Locale.ROOT, "%n| content | beta | factor | trials | attacker flagged | F1 honest only "
                    + "| F1 with the count bound (cap %s) | F1 without | benign rate on triggered rows: honest only / "
                    + "bound / none |%n|---|---|---|---|---|---|---|---|---|%n", trim(countCap)));
            for (double pc : new double[] {0, backdoorInflateP}) {
                for (double b : betas) {
                    Harness.Settings s = base.with(edges, b, base.ipc());
                    for (double f : backdoorInflate) {
                        double[] sum = new double[6];
                        int caught = 0;
                        String content = "";
                        for (int t = 0; t < backdoorTrials; t++) {
                            BackdoorExperiment.Inflation r = x.inflation(s, 3000 + t, f, pc);
                            content = r.content();
                            caught += r.caught() ? 1 : 0;
                            sum[0] += r.cleanF1();
                            sum[1] += r.boundedF1();
                            sum[2] += r.unboundedF1();
                            sum[3] += r.cleanRate();
                            sum[4] += r.boundedRate();
                            sum[5] += r.unboundedRate();
                            log(String.format(Locale.ROOT, "inflate %s x%s beta %s trial %d: %s caught %s, F1 %.4f / "
                                    + "%.4f / %.4f, rate %.3f / %.3f / %.3f", r.content(), trim(f), trim(b), t,
                                    r.attacker(), r.caught(), r.cleanF1(), r.boundedF1(), r.unboundedF1(),
                                    r.cleanRate(), r.boundedRate(), r.unboundedRate()));
                        }
                        int n = backdoorTrials;
                        sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %d | %d / %d | %.4f | %.4f (%+.2f) | "
                                        + "%.4f (%+.2f) | %.3f / %.3f / %.3f |%n", content, trim(b), trim(f), n, caught,
                                n, sum[0] / n, sum[1] / n, 100 * (sum[1] - sum[0]) / n, sum[2] / n,
                                100 * (sum[2] - sum[0]) / n, sum[3] / n, sum[4] / n, sum[5] / n));
                    }
                }
            }
        }
        if (backdoorHonest > 0) {
            sb.append("\n| beta | honest edge-rounds | edges quarantined | per 100 edge-rounds | edges with a sub-cluster "
                    + "left out | sub-clusters left out |\n");
            sb.append("|---|---|---|---|---|---|\n");
            for (double b : betas) {
                Harness.Settings s = base.with(edges, b, base.ipc());
                int flagged = 0;
                int quarantinedEdges = 0;
                int comps = 0;
                for (int rep = 0; rep < backdoorHonest; rep++) {
                    BackdoorExperiment.Honest hr = x.honest(s, 2000 + rep);
                    quarantinedEdges += hr.quarantinedEdges();
                    flagged += hr.flaggedEdges();
                    comps += hr.flaggedComponents();
                    hr.reasons().forEach(r -> log("backdoor screen, honest beta " + trim(b) + ": " + r));
                }
                int er = edges * backdoorHonest;
                sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %d | %d |%n", trim(b), er,
                        quarantinedEdges, 100.0 * quarantinedEdges / er, flagged, comps));
            }
        }
        return sb.toString();
    }

    private String honestSection(Harness h, Harness.Settings base) {
        StringBuilder sb = new StringBuilder("\n#### Honest rounds: false quarantines (" + edges + " edges, "
                + honestRounds + " seeded partitions per beta, rounds 2000..)\n\n");
        sb.append("| beta | honest edge-rounds | quarantined | per 100 edge-rounds | (edge, class) counts above the bound |\n");
        sb.append("|---|---|---|---|---|\n");
        for (double b : betas) {
            Harness.Settings s = base.with(edges, b, base.ipc());
            int q = 0;
            int capped = 0;
            int held = 0;
            for (int rep = 0; rep < honestRounds; rep++) {
                Harness.HonestScreen hs = h.honestScreen(s, 2000 + rep);
                q += hs.quarantined().size();
                capped += hs.cappedCells();
                held += hs.heldCells();
                for (int i = 0; i < hs.quarantined().size(); i++) {
                    log("honest beta " + trim(b) + " rep " + rep + " (class count " + hs.quarantinedCounts().get(i)
                            + "): " + hs.quarantined().get(i).reason());
                }
            }
            int er = edges * honestRounds;
            sb.append(String.format(Locale.ROOT, "| %s | %d | %d | %.2f | %d / %d |%n", trim(b), er, q, 100.0 * q / er,
                    capped, held));
        }
        return sb.toString();
    }

    private String poisonSection(Harness h, Harness.Settings base) {
        StringBuilder sb = new StringBuilder("\n#### Poisoning: 1 of " + edges + " edges attacks (beta "
                + trim(base.beta()) + ", ipc " + base.ipc() + ")\n\n");
        sb.append("| attack | trials | attacker quarantined | honest edges quarantined (total) | clean F1 | attacked + screening F1 | attacked, no screening F1 | F1 drop with screening (points) |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        List<Harness.Attack> attacks = new ArrayList<>();
        if ("flip".equals(poison) || "both".equals(poison)) {
            attacks.add(Harness.Attack.FLIP);
        }
        if ("scale".equals(poison) || "both".equals(poison) || "all".equals(poison)) {
            attacks.add(Harness.Attack.SCALE);
        }
        if ("all".equals(poison)) {
            attacks.add(0, Harness.Attack.FLIP);
        }
        List<Double> factors = new ArrayList<>();
        attacks.forEach(a -> factors.add(scale));
        if ("inflate".equals(poison) || "all".equals(poison)) {
            for (Harness.Attack a : List.of(Harness.Attack.INFLATE, Harness.Attack.FLIP_INFLATE)) {
                for (double f : inflate) {
                    attacks.add(a);
                    factors.add(f);
                }
            }
        }
        for (int ai = 0; ai < attacks.size(); ai++) {
            Harness.Attack a = attacks.get(ai);
            double scale = factors.get(ai);
            int caught = 0;
            int fp = 0;
            List<Double> clean = new ArrayList<>();
            List<Double> def = new ArrayList<>();
            List<Double> undef = new ArrayList<>();
            String example = "";
            for (int t = 0; t < poisonTrials; t++) {
                Harness.PoisonTrial pt = h.poisonTrial(base, 1000 + t, a, scale, t < poisonF1Trials);
                caught += pt.caught() ? 1 : 0;
                fp += pt.falsePositives();
                if (!Double.isNaN(pt.cleanF1())) {
                    clean.add(pt.cleanF1());
                    def.add(pt.defendedF1());
                    undef.add(pt.undefendedF1());
                }
                if (example.isEmpty() && pt.caught()) {
                    example = pt.reason();
                }
                log(String.format(Locale.ROOT, "poison %s trial %d: attacker %s caught=%s fp=%d f1 %.4f/%.4f/%.4f", a, t,
                        pt.attacker(), pt.caught(), pt.falsePositives(), pt.cleanF1(), pt.defendedF1(), pt.undefendedF1()));
            }
            double c = Report.mean(clean.stream().mapToDouble(Double::doubleValue).toArray());
            double d = Report.mean(def.stream().mapToDouble(Double::doubleValue).toArray());
            double u = Report.mean(undef.stream().mapToDouble(Double::doubleValue).toArray());
            sb.append(String.format(Locale.ROOT, "| %s%s | %d | %d / %d (%.0f %%) | %d | %s | %s | %s | %s |%n",
                    a.name().toLowerCase(Locale.ROOT), a != Harness.Attack.FLIP ? " ×" + trim(scale) : "",
                    poisonTrials, caught, poisonTrials, 100.0 * caught / poisonTrials, fp, f4(c), f4(d), f4(u),
                    Double.isNaN(c) ? "n/a" : String.format(Locale.ROOT, "%.2f", 100 * (c - d))));
            if (!example.isEmpty()) {
                sb.append("\nExample quarantine record: `").append(example).append("`\n\n");
            }
        }
        sb.append("F1 columns: mean over the first ").append(Math.min(poisonF1Trials, poisonTrials))
                .append(" trials (ours, count-weighted); for inflate and flip_inflate the clean column is the honest edges alone.\n");
        return sb.toString();
    }

    private List<double[]> configs() {
        Set<String> seen = new LinkedHashSet<>();
        List<double[]> out = new ArrayList<>();
        if ("product".equals(grid)) {
            for (double b : betas) {
                for (int i : ipcs) {
                    add(out, seen, b, i);
                }
            }
        } else {
            add(out, seen, betas.get(0), ipcs.get(0));
            for (int i : ipcs) {
                add(out, seen, betas.get(0), i);
            }
            for (double b : betas) {
                add(out, seen, b, ipcs.get(0));
            }
        }
        return out;
    }

    private static void add(List<double[]> out, Set<String> seen, double b, int ipc) {
        if (seen.add(b + "/" + ipc)) {
            out.add(new double[]{b, ipc});
        }
    }

    private DataLoading.Prepared prepare() throws IOException {
        java.util.Optional<DataDescription> description = DataLoading.description(format);
        if (description.isPresent() && generate == null) {
            return prepare(description.get());
        }
        if (generate != null) {
            RawDataset raw = DataLoading.generate5gNidd(generate, genSeed, minPerClass);
            return DataLoading.split(raw, testFraction, splitSeed, String.format(Locale.ROOT,
                    "SYNTHETIC 5G-NIDD-schema data (FiveGNiddGenerator, %d rows, seed %d, min %d per class)",
                    generate, genSeed, minPerClass));
        }
        ColumnMapping m = DataLoading.mapping(format, label, labelIndex, noHeader, columns, categorical, drop);
        if (data != null) {
            RawDataset raw = DataLoading.load(data, m, maxRows);
            return DataLoading.split(raw, testFraction, splitSeed, data.getFileName() + " (" + format + ")");
        }
        if (trainFile != null && testFile != null) {
            RawDataset tr = DataLoading.load(trainFile, m, maxRows);
            // the test file uses the training file's class list
            ColumnMapping mt = m.classOrder() == null ? m.toBuilder().classOrder(tr.classNames()).build() : m;
            RawDataset te = DataLoading.load(testFile, mt, maxRows);
            return DataLoading.prepare(tr, te, trainFile.getFileName() + " / " + testFile.getFileName() + " (" + format + ")");
        }
        throw new CommandLine.ParameterException(new CommandLine(this),
                "give --data FILE, or --train FILE --test FILE, or --generate ROWS");
    }

    /** Files read through a data description, the one the services and the demo read them through. */
    private DataLoading.Prepared prepare(DataDescription d) throws IOException {
        if (data != null) {
            DataDescription.Loaded l = d.load(data, maxRows);
            log(data + ": " + l.summary());
            return DataLoading.split(l.data(), testFraction, splitSeed, data.getFileName() + " (" + d.name() + ")", d.preprocessing());
        }
        if (trainFile != null && testFile != null) {
            DataDescription.Loaded tr = d.load(trainFile, maxRows);
            DataDescription.Loaded te = d.load(testFile, maxRows);
            log(trainFile + ": " + tr.summary() + "; " + testFile + ": " + te.summary());
            return DataLoading.prepare(tr.data(), te.data(), trainFile.getFileName() + " / " + testFile.getFileName() + " ("
                    + d.name() + ")", d.preprocessing());
        }
        throw new CommandLine.ParameterException(new CommandLine(this),
                "give --data FILE, or --train FILE --test FILE, or --generate ROWS");
    }

    private static String f4(double v) {
        return Double.isNaN(v) ? "n/a" : String.format(Locale.ROOT, "%.4f", v);
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static void log(String s) {
        System.err.println("[eval] " + s);
    }
}
