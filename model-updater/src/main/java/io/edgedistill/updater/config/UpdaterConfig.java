package io.edgedistill.updater.config;

import java.util.List;
import java.util.Map;

import io.edgedistill.core.mixture.GeneratedTraining;
import io.edgedistill.core.personal.CohortTraining;
import io.edgedistill.core.model.TrainConfig;
import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.convert.format.MapFormat;
import io.micronaut.core.naming.conventions.StringConvention;

/**
 * Every setting of the model-updater, declared once with its default: {@code updater.*} in {@code application.yml},
 * a system property ({@code -Dupdater.training.student-hidden=64}) or an environment variable
 * ({@code UPDATER_TRAINING_STUDENT_HIDDEN}). Where the Kafka clients connect and as whom is the shared
 * {@code edgedistill.kafka.*} group ({@link io.edgedistill.schemas.client.KafkaClientConfig}); the README's
 * configuration table is checked against these records.
 *
 * @param kafka         the updater's own Kafka loop settings ({@code updater.kafka.*})
 * @param signing       the Ed25519 key the updates are signed with ({@code updater.signing.*})
 * @param validation    the held-out validation rows candidates are judged on ({@code updater.validation.*})
 * @param preprocessing a preprocessing spec known before the first round ({@code updater.preprocessing.*})
 * @param training      how candidates are trained and judged ({@code updater.training.*})
 * @param rollout       the staged rollout of global models ({@code updater.rollout.*})
 * @param cohorts       edge id → cohort ({@code updater.cohorts.<edgeId>=<cohort>}); edges not listed form their own
 *                      cohort
 */
@ConfigurationProperties("updater")
public record UpdaterConfig(Kafka kafka, Signing signing, Validation validation, Preprocessing preprocessing,
                            Training training, Rollout rollout,
                            @MapFormat(transformation = MapFormat.MapTransformation.FLAT,
                                    keyFormat = StringConvention.RAW) Map<String, String> cohorts) {

    /** No cohorts configured = an empty map. */
    public UpdaterConfig {
        cohorts = cohorts == null ? Map.of() : Map.copyOf(cohorts);
    }

    /**
     * The staged rollout of a task's global model ({@code updater.rollout.*}; the updater's {@code StagedRollout}): a new
     * version that replaces one goes to the canary edges first, and to every edge only if the canaries' macro-F1 on
     * their own labelled hold-out (reported on {@code edge.status}) is not worse than under the model before it by
     * more than {@code tolerance}; otherwise the canaries get the fleet's model back and an alert is raised. No canary
     * edges and {@code canary-percent} 0 (the defaults): every model goes to every edge at once.
     *
     * @param canaryEdges   edge ids that get each new global model first (comma-separated), when they can report (their
     *                      last status, at most 10 min old, shows the task's global model with a hold-out score)
     * @param canaryPercent share (0-100) of the task's edges that can report added to them, at least one, chosen by a
     *                      stable hash of the edge id; when no edge can report, a new version is held back
     * @param tolerance     the largest drop of the canaries' mean hold-out macro-F1 that is still promoted
     * @param waitMs        how long the canaries have to report; then decided on the reports in (none: rolled back)
     * @param edgeKeys      {@code <edge id>=<base64 X.509 Ed25519 public key>} per edge, as the processor's
     *                      {@code processor.contributions.edge-keys}: when set, only statuses and knowledge signed by
     *                      the edge they name count (others go to {@code edge.status.dlq} as {@code StatusSignature},
     *                      {@code edge.knowledge.dlq} as {@code KnowledgeSignature})
     */
    @ConfigurationProperties("rollout")
    public record Rollout(@Bindable(defaultValue = "") List<String> canaryEdges,
                          @Bindable(defaultValue = "0") int canaryPercent,
                          @Bindable(defaultValue = "0.02") double tolerance,
                          @Bindable(defaultValue = "120000") long waitMs,
                          @io.micronaut.core.annotation.Nullable List<String> edgeKeys) {

        public Rollout {
            canaryEdges = canaryEdges == null ? List.of()
                    : canaryEdges.stream().map(String::strip).filter(e -> !e.isEmpty()).toList();
            edgeKeys = edgeKeys == null ? List.of() : List.copyOf(edgeKeys);
        }

        /** The settings of the updater's {@code StagedRollout}. */
        public io.edgedistill.updater.service.StagedRollout.Settings settings() {
            return new io.edgedistill.updater.service.StagedRollout.Settings(java.util.Set.copyOf(canaryEdges), canaryPercent,
                    tolerance, java.time.Duration.ofMillis(waitMs));
        }
    }

    /**
     * The updater's Kafka loop (connection and security: {@code edgedistill.kafka.*}).
     *
     * @param enabled false = no Kafka: HTTP and the service only, updates kept in memory (tests, dry runs)
     * @param groupId consumer group of {@code distill.synthetic-sets} and {@code edge.knowledge}; the ACL plan allows
     *                groups starting with {@code model-updater}. Instances in one group are one active updater and
     *                standbys ({@code ActiveStandbyAssignor}): only the active one trains, signs and publishes
     * @param sessionTimeoutMs how long the group waits for a silent member: a standby takes over this long after the
     *                active instance dies
     */
    @ConfigurationProperties("kafka")
    public record Kafka(@Bindable(defaultValue = "true") boolean enabled,
                        @Bindable(defaultValue = "model-updater") String groupId,
                        @Bindable(defaultValue = "45000") int sessionTimeoutMs) {
    }

    /**
     * The Ed25519 signing key; both keys blank = a generated development key pair (a warning; lost on restart).
     *
     * @param privateKey Base64 PKCS#8 private key (a secret: environment or secret store)
     * @param publicKey  Base64 X.509 public key
     * @param keyId      key id edges trust; blank = {@code ed25519:} + 16 hex of the SHA-256 of the public key
     */
    @ConfigurationProperties("signing")
    public record Signing(@Bindable(defaultValue = "") String privateKey,
                          @Bindable(defaultValue = "") String publicKey,
                          @Bindable(defaultValue = "") String keyId) {
    }

    /**
     * The validation rows every candidate is scored on.
     *
     * @param source      {@code generated} (the 5G-NIDD generator) or {@code csv}
     * @param seed        seed of the generated rows (held out: edges and the processor use other seeds)
     * @param rows        generated rows; with {@code csv}, the most rows read
     * @param minPerClass generated rows at least per class
     * @param csvPath     the labelled flow file for {@code csv}: operator-held rows no edge trains on
     * @param format      how to read it: a preset ({@code 5g-nidd}, {@code nsl-kdd}, {@code cic-ids2017}) or the
     *                    path of a data description YAML (the processor's {@code processor.rounds.data-format})
     */
    @ConfigurationProperties("validation")
    public record Validation(@Bindable(defaultValue = "generated") String source,
                             @Bindable(defaultValue = "9001") long seed,
                             @Bindable(defaultValue = "6000") int rows,
                             @Bindable(defaultValue = "150") int minPerClass,
                             @Bindable(defaultValue = "") String csvPath,
                             @Bindable(defaultValue = "5g-nidd") String format) {
    }

    /**
     * A preprocessing spec known before any round.
     *
     * @param specPath optional preprocessing spec JSON file; blank = none (specs come with the rounds)
     */
    @ConfigurationProperties("preprocessing")
    public record Preprocessing(@Bindable(defaultValue = "") String specPath) {
    }

    /**
     * How the updater trains and judges models.
     *
     * @param teacherHidden             hidden widths of the cloud teacher, comma-separated
     * @param studentHidden             hidden widths of the edge student, comma-separated
     * @param teacherEpochs             teacher epochs on the synthetic set (the evaluated recipe of distill-core
     *                                  {@code TrainConfig.teacher})
     * @param studentEpochs             student distillation epochs on the transfer set
     * @param temperature               distillation temperature T
     * @param alpha                     weight of the soft-label KL term (1 − α on hard labels)
     * @param transferCopies            jittered copies of each synthetic sample added to the transfer set
     * @param transferNoise             standard deviation of that jitter (preprocessed, z-scored units)
     * @param knowledgeSamplesPerClass  samples drawn around each hard class of an edge's knowledge (0 = the
     *                                  synthetic set's samples per class)
     * @param knowledgeSpread           scale of the standard deviation of those samples relative to the reported
     *                                  per-feature standard deviation (the hard samples are multi-modal: a full-width
     *                                  Gaussian would cover other classes)
     * @param minImprovement            a candidate is published only if macro-F1 ≥ live + minImprovement
     * @param personalisedTolerance     a personalised model may be at most this much below the global model's
     *                                  macro-F1 (whole validation set) and below what its cohort runs (on the cohort's
     *                                  mix); whether it is better is judged by the edge on its own labelled hold-out
     * @param maxPersonalisationsPerSet knowledge-triggered trainings per cohort and synthetic-set version (an edge
     *                                  whose personalised model still underperforms keeps reporting; this bounds the
     *                                  loop until the next synthetic set)
     * @param firstModelMargin          a task's first global model must beat the majority-class baseline's macro-F1
     *                                  on the validation rows by this much (a set built from too little is not sent
     *                                  to every edge)
     * @param generated                 training on rows generated from the set's sub-cluster mixture (summary v2)
     * @param cohort                    a cohort's model from knowledge v2: the global model fine-tuned on rows drawn
     *                                  like the cohort's traffic
     * @param novelty                   when the global model adopts knowledge v2 (a class several edges report, or
     *                                  one an operator approved)
     */
    @ConfigurationProperties("training")
    public record Training(@Bindable(defaultValue = "128,64") int[] teacherHidden,
                           @Bindable(defaultValue = "32") int[] studentHidden,
                           @Bindable(defaultValue = "200") int teacherEpochs,
                           @Bindable(defaultValue = "100") int studentEpochs,
                           @Bindable(defaultValue = "4") float temperature,
                           @Bindable(defaultValue = "0.7") float alpha,
                           @Bindable(defaultValue = "10") int transferCopies,
                           @Bindable(defaultValue = "0.2") float transferNoise,
                           @Bindable(defaultValue = "0") int knowledgeSamplesPerClass,
                           @Bindable(defaultValue = "0.5") float knowledgeSpread,
                           @Bindable(defaultValue = "0.0") double minImprovement,
                           @Bindable(defaultValue = "0.05") double personalisedTolerance,
                           @Bindable(defaultValue = "3") int maxPersonalisationsPerSet,
                           @Bindable(defaultValue = "0.1") double firstModelMargin,
                           Generated generated,
                           Cohort cohort,
                           Novelty novelty) {

        /**
         * {@code updater.training.generated.*}: when a synthetic set carries the fleet's sub-cluster mixture, the
         * teacher and the student train on rows drawn from it (distill-core {@code GeneratedTraining}) instead of
         * the compact set alone. Optionally a refined model follows in the background, on more rows, published when
         * the gate finds it better and no newer set has arrived (off by default: on 2 cores it slows the next round).
         *
         * @param rowsPerClass          first model: generated rows per class on average, spread by the fleet's
         *                              class counts
         * @param minPerClass           at least this many rows of every class the mixture holds
         * @param teacherEpochs         first model: teacher epochs over the generated rows
         * @param studentEpochs         first model: student epochs over them (soft labels at {@code temperature},
         *                              weight {@code alpha})
         * @param refinedRowsPerClass   refined model: generated rows per class; 0 = no refined model (the default)
         * @param refinedTeacherEpochs  refined model: teacher epochs
         * @param refinedStudentEpochs  refined model: student epochs
         */
        @ConfigurationProperties("generated")
        public record Generated(
                @Bindable(defaultValue = "" + GeneratedTraining.DEFAULT_ROWS_PER_CLASS) int rowsPerClass,
                @Bindable(defaultValue = "" + GeneratedTraining.DEFAULT_MIN_PER_CLASS) int minPerClass,
                @Bindable(defaultValue = "" + GeneratedTraining.DEFAULT_TEACHER_EPOCHS) int teacherEpochs,
                @Bindable(defaultValue = "" + GeneratedTraining.DEFAULT_STUDENT_EPOCHS) int studentEpochs,
                @Bindable(defaultValue = "0") int refinedRowsPerClass,
                @Bindable(defaultValue = "" + GeneratedTraining.REFINED_TEACHER_EPOCHS) int refinedTeacherEpochs,
                @Bindable(defaultValue = "" + GeneratedTraining.REFINED_STUDENT_EPOCHS) int refinedStudentEpochs) {

            /** Whether a refined model follows the first one. */
            public boolean refines() {
                return refinedRowsPerClass > 0;
            }
        }

        /**
         * {@code updater.training.cohort.*}: a cohort whose knowledge carries sub-clusters of its hard samples
         * (knowledge v2) and whose set carries the fleet's mixture gets the global model fine-tuned on rows drawn like
         * its traffic (distill-core {@code CohortTraining}): per class in the cohort's class totals, the share its model
         * gets wrong from the knowledge's sub-clusters, the rest from the fleet's mixture.
         *
         * @param rowsPerClass  generated rows per class the cohort reports, on average
         * @param minPerClass   at least this many rows of each class the cohort reports
         * @param keepPerClass  fleet rows of each class the cohort does not report, so that its model still knows them
         * @param epochs        fine-tune epochs
         * @param learningRate  fine-tune learning rate (Adam)
         */
        @ConfigurationProperties("cohort")
        public record Cohort(
                @Bindable(defaultValue = "" + CohortTraining.Settings.DEFAULT_ROWS_PER_CLASS) int rowsPerClass,
                @Bindable(defaultValue = "" + CohortTraining.Settings.DEFAULT_MIN_PER_CLASS) int minPerClass,
                @Bindable(defaultValue = "" + CohortTraining.Settings.DEFAULT_KEEP_PER_CLASS) int keepPerClass,
                @Bindable(defaultValue = "" + CohortTraining.Settings.DEFAULT_EPOCHS) int epochs,
                @Bindable(defaultValue = "" + CohortTraining.Settings.DEFAULT_LEARNING_RATE) float learningRate) {

            /** The defaults (distill-core's). */
            public static Cohort defaults() {
                CohortTraining.Settings d = CohortTraining.Settings.defaults();
                return new Cohort(d.rowsPerClass(), d.minPerClass(), d.keepPerClass(), d.epochs(), d.learningRate());
            }

            /** distill-core's settings with these values (batch size and weight decay: its defaults). */
            public CohortTraining.Settings settings() {
                return new CohortTraining.Settings(rowsPerClass, minPerClass, keepPerClass, epochs,
                        CohortTraining.Settings.DEFAULT_BATCH_SIZE, learningRate, CohortTraining.Settings.DEFAULT_WEIGHT_DECAY);
            }
        }

        /**
         * {@code updater.training.novelty.*}: the global model adopts the knowledge v2 sub-clusters of a class once
         * {@code corroborating-edges} distinct edges have sent them, or when the class is in {@code approved-classes};
         * the benign class only by approval. Corroboration counts only when the updater authenticates knowledge
         * ({@code updater.rollout.edge-keys} set): without the edges' keys one writer could pose as several edges. Adopted sub-clusters join the set's mixture for the global model's rows;
         * the publication gate judges the result on the validation rows as always.
         *
         * @param corroboratingEdges distinct edges that must report a class (0 = by approval only)
         * @param approvedClasses    comma-separated class names an operator approved (empty = none)
         */
        @ConfigurationProperties("novelty")
        public record Novelty(@Bindable(defaultValue = "3") int corroboratingEdges,
                              @Bindable(defaultValue = "") String approvedClasses) {

            /** 3 edges, nothing approved. */
            public static Novelty defaults() {
                return new Novelty(3, "");
            }

            /** The same approvals, corroboration switched off (knowledge that is not authenticated cannot corroborate). */
            public Novelty approvalOnly() {
                return new Novelty(0, approvedClasses);
            }

            /** The approved class names. */
            public java.util.Set<String> approved() {
                java.util.Set<String> out = new java.util.LinkedHashSet<>();
                for (String c : approvedClasses == null ? new String[0] : approvedClasses.split(",")) {
                    if (!c.isBlank()) {
                        out.add(c.strip());
                    }
                }
                return out;
            }
        }

        /** These settings with novelty corroboration off (approvals kept). */
        public Training withoutCorroboration() {
            return new Training(teacherHidden, studentHidden, teacherEpochs, studentEpochs, temperature, alpha,
                    transferCopies, transferNoise, knowledgeSamplesPerClass, knowledgeSpread, minImprovement,
                    personalisedTolerance, maxPersonalisationsPerSet, firstModelMargin, generated, cohort,
                    novelty.approvalOnly());
        }

        /** The first model's generated-rows recipe with this group's T and α. */
        public GeneratedTraining.Settings generatedSettings() {
            return new GeneratedTraining.Settings(generated.rowsPerClass(), generated.minPerClass(),
                    generated.teacherEpochs(), generated.studentEpochs(), temperature, alpha);
        }

        /** The refined model's generated-rows recipe (only when {@link Generated#refines()}). */
        public GeneratedTraining.Settings refinedSettings() {
            return new GeneratedTraining.Settings(generated.refinedRowsPerClass(), generated.minPerClass(),
                    generated.refinedTeacherEpochs(), generated.refinedStudentEpochs(), temperature, alpha);
        }

        /** The teacher's training recipe: distill-core's teacher recipe with {@link #teacherEpochs}. */
        public TrainConfig teacherConfig(long seed) {
            TrainConfig t = TrainConfig.teacher(seed);
            return new TrainConfig(teacherEpochs, t.batchSize(), t.learningRate(), t.weightDecay(), 1f, 0f, seed);
        }

        /** The student's distillation recipe: distill-core's student recipe with the epochs, T and α above. */
        public TrainConfig studentConfig(long seed) {
            TrainConfig s = TrainConfig.student(seed);
            return new TrainConfig(studentEpochs, s.batchSize(), s.learningRate(), s.weightDecay(), temperature, alpha,
                    seed);
        }
    }
}
