package io.edgedistill.processor.api;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.edgedistill.core.aggregate.TargetSnapshot;
import io.edgedistill.core.summary.SummaryKind;
import io.edgedistill.core.summary.SummaryStats;
import io.edgedistill.processor.config.ProcessorConfig;
import io.edgedistill.processor.contributions.QuarantineEntry;
import io.edgedistill.processor.contributions.TargetUpdate;
import io.edgedistill.processor.contributions.TargetsRegistry;
import io.edgedistill.processor.rounds.RoundService;
import io.edgedistill.processor.runtime.StreamsRunner;
import io.edgedistill.processor.scoring.LiveModels;
import io.edgedistill.processor.synthesis.OptimiserRunner;
import io.edgedistill.processor.synthesis.SyntheticSetState;
import io.edgedistill.processor.topology.ProcessorTopology;
import io.edgedistill.schemas.Exclusion;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.http.HttpUsers;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * HTTP view of the processor: current round (interactive query on the global rounds store, falling back to
 * the round service), targets, synthetic set, quarantine (interactive query on the quarantine store,
 * falling back to the targets' provenance), live models; POST /rounds opens a new round.
 */
@Secured({HttpUsers.OBSERVER, HttpUsers.OPERATOR})
@Controller
@ExecuteOn(TaskExecutors.BLOCKING)
public class ProcessorController {
    private final ProcessorConfig config;
    private final RoundService rounds;
    private final StreamsRunner streams;
    private final TargetsRegistry targets;
    private final SyntheticSetState sets;
    private final OptimiserRunner optimiser;
    private final LiveModels models;
    private final ProcessorTopology.TopicSerdes serdes;

    public ProcessorController(ProcessorConfig config, RoundService rounds, StreamsRunner streams,
                               TargetsRegistry targets, SyntheticSetState sets, OptimiserRunner optimiser,
                               LiveModels models, ProcessorTopology.TopicSerdes serdes) {
        this.config = config;
        this.rounds = rounds;
        this.streams = streams;
        this.targets = targets;
        this.sets = sets;
        this.optimiser = optimiser;
        this.models = models;
        this.serdes = serdes;
    }

    private String task(String taskId) {
        return taskId == null || taskId.isBlank() ? config.rounds().taskId() : taskId;
    }

    @Get("/rounds/current")
    public HttpResponse<Map<String, Object>> currentRound(@QueryValue Optional<String> taskId) {
        String t = task(taskId.orElse(null));
        Optional<RoundSpec> r = streams.<String, byte[]>store(ProcessorTopology.ROUNDS_STORE)
                .map(s -> s.get(t))
                .map(raw -> serdes.rounds().deserializer().deserialize("distill.rounds", raw));
        String source = "interactive-query";
        if (r.isEmpty() && t.equals(config.rounds().taskId())) {
            r = rounds.current();
            source = "round-service";
        }
        if (r.isEmpty()) {
            return HttpResponse.notFound(Map.of("error", "no round for task " + t));
        }
        Map<String, Object> m = round(r.get());
        m.put("source", source);
        return HttpResponse.ok(m);
    }

    @Secured(HttpUsers.OPERATOR)
    @Post("/rounds")
    public Map<String, Object> openRound() throws Exception {
        return round(rounds.openNext());
    }

    private static Map<String, Object> round(RoundSpec r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", r.getTaskId());
        m.put("roundId", r.getRoundId());
        m.put("seed", r.getSeed());
        Map<String, Object> n = new LinkedHashMap<>();
        n.put("count", r.getNetwork().getCount());
        n.put("inputDim", r.getNetwork().getInputDim());
        n.put("hiddenDim", r.getNetwork().getHiddenDim());
        n.put("embedDim", r.getNetwork().getEmbedDim());
        n.put("activation", r.getNetwork().getActivation());
        n.put("generator", r.getNetwork().getGenerator());
        m.put("network", n);
        m.put("classes", new ArrayList<>(r.getClasses()));
        m.put("featureCount", r.getFeatureNames().size());
        m.put("samplesPerClass", r.getSamplesPerClass());
        m.put("secondMoments", r.getSecondMoments());
        m.put("preprocessingSha256", r.getPreprocessing().getSha256());
        m.put("createdAt", r.getCreatedAt().toString());
        return m;
    }

    @Get("/targets")
    public HttpResponse<Map<String, Object>> targets(@QueryValue Optional<String> taskId) {
        String t = task(taskId.orElse(null));
        Optional<TargetUpdate> u = targets.latest(t);
        if (u.isEmpty()) {
            return HttpResponse.notFound(Map.of("error", "no targets yet for task " + t));
        }
        TargetUpdate up = u.get();
        TargetSnapshot s = up.targets();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", t);
        m.put("roundId", up.roundId());
        m.put("revision", up.revision());
        m.put("updatedAt", Instant.ofEpochMilli(up.updatedAt()).toString());
        List<Map<String, Object>> classes = new ArrayList<>();
        for (int c = 0; c < s.numClasses(); c++) {
            Map<String, Object> cm = new LinkedHashMap<>();
            cm.put("index", c);
            cm.put("name", up.round().getClasses().get(c));
            cm.put("weight", s.classWeights()[c]);
            int edges = 0;
            long samples = 0;
            for (SummaryStats e : up.accepted()) {
                long rows = e.reportedCounts()[c];
                edges += rows > 0 ? 1 : 0;
                samples += e.kind() == SummaryKind.DATA ? rows : 0;
            }
            cm.put("edges", edges);
            cm.put("samples", samples);
            classes.add(cm);
        }
        m.put("classes", classes);
        List<Map<String, Object>> contributions = new ArrayList<>();
        for (SummaryStats e : up.accepted()) {
            List<Long> perClass = new ArrayList<>(e.numClasses());
            long samples = 0;
            for (long n : e.reportedCounts()) {
                perClass.add(n);
                samples += n;
            }
            contributions.add(Map.of("edgeId", e.edgeId(), "kind", e.kind().name(), "samples", samples,
                    "classCounts", perClass));
        }
        m.put("contributions", contributions);
        m.put("excluded", up.excluded().size());
        return HttpResponse.ok(m);
    }

    @Get("/synthetic-set")
    public HttpResponse<Map<String, Object>> syntheticSet(@QueryValue Optional<String> taskId) {
        String t = task(taskId.orElse(null));
        Optional<SyntheticSetState.PublishedSet> c = sets.current(t);
        if (c.isEmpty()) {
            return HttpResponse.notFound(Map.of("error", "no synthetic set yet for task " + t));
        }
        var a = c.get().avro();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", t);
        m.put("version", a.getVersion());
        m.put("roundId", a.getRoundId());
        m.put("samplesPerClass", a.getSamplesPerClass());
        m.put("featureDim", a.getFeatureDim());
        m.put("samples", a.getSamples().size());
        m.put("matchingLoss", a.getMatchingLoss());
        m.put("previousLoss", a.getPreviousLoss());
        m.put("optimisationSteps", a.getOptimisationSteps());
        m.put("contributions", a.getProvenance().getContributions().size());
        List<Map<String, Object>> ex = new ArrayList<>();
        for (Exclusion e : a.getProvenance().getExclusions()) {
            ex.add(Map.of("edgeId", e.getEdgeId(), "roundId", e.getRoundId(), "reason", e.getReason()));
        }
        m.put("exclusions", ex);
        m.put("createdAt", a.getCreatedAt().toString());
        optimiser.lastRun(t).ifPresent(r -> m.put("lastRun", Map.of("published", r.published(), "loss", r.loss(),
                "steps", r.steps(), "millis", r.millis())));
        m.put("optimiserRuns", optimiser.runCount());
        return HttpResponse.ok(m);
    }

    @Get("/quarantine")
    public Map<String, Object> quarantine() {
        List<Map<String, Object>> out = new ArrayList<>();
        Optional<ReadOnlyKeyValueStore<String, String>> store = streams.store(ProcessorTopology.QUARANTINE_STORE);
        String source;
        if (store.isPresent()) {
            source = "interactive-query";
            try (KeyValueIterator<String, String> it = store.get().all()) {
                while (it.hasNext()) {
                    out.add(entry(QuarantineEntry.decode(it.next().value)));
                }
            }
        } else {
            source = "targets";
            targets.latest(config.rounds().taskId()).ifPresent(u -> u.excluded().forEach(q -> out.add(entry(q))));
        }
        return Map.of("source", source, "quarantined", out);
    }

    private static Map<String, Object> entry(QuarantineEntry q) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("taskId", q.taskId());
        m.put("roundId", q.roundId());
        m.put("edgeId", q.edgeId());
        m.put("kind", q.kind().name());
        m.put("classIndex", q.classIndex());
        m.put("score", q.score());
        m.put("threshold", q.threshold());
        m.put("reason", q.reason());
        m.put("detectedAt", Instant.ofEpochMilli(q.detectedAt()).toString());
        return m;
    }

    @Get("/models")
    public Map<String, Object> models() {
        List<Map<String, Object>> live = new ArrayList<>();
        models.all().values().forEach(l -> live.add(Map.of("modelId", l.modelId(), "version", l.version(),
                "sha256", l.sha256(), "classes", l.classes(), "inputDim", l.vectorizer().dim())));
        List<Map<String, Object>> rejected = new ArrayList<>();
        models.rejections().forEach(r -> rejected.add(Map.of("modelId", r.modelId(), "version", r.version(),
                "reason", r.reason(), "at", Instant.ofEpochMilli(r.at()).toString())));
        return Map.of("live", live, "rejected", rejected, "scoringModelId", config.scoringModelId());
    }
}
