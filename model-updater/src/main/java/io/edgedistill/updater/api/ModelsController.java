package io.edgedistill.updater.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.http.HttpUsers;
import io.edgedistill.updater.service.HistoryEntry;
import io.edgedistill.updater.service.LiveModel;
import io.edgedistill.updater.service.ModelUpdateService;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.security.annotation.Secured;

/** Model history and live models over HTTP. */
@Secured({HttpUsers.OBSERVER, HttpUsers.OPERATOR})
@Controller
public class ModelsController {
    private final ModelUpdateService service;

    public ModelsController(ModelUpdateService service) {
        this.service = service;
    }

    /** History of decisions (published / refused with reason / skipped / failed) and the live models. */
    @Get("/models")
    public Map<String, Object> models() {
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> liveModels = new ArrayList<>();
        for (LiveModel l : service.liveModels()) {
            liveModels.add(describe(l.update()));
        }
        out.put("live", liveModels);
        List<Map<String, Object>> hist = new ArrayList<>();
        for (HistoryEntry e : service.history()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("modelId", e.modelId());
            m.put("cohort", e.cohort());
            m.put("status", e.status().name()); // "PUBLISHED", ...: parsed by the demo
            m.put("version", e.version());
            m.put("trigger", e.trigger());
            m.put("syntheticSetVersion", e.syntheticSetVersion());
            m.put("macroF1", finite(e.macroF1()));
            m.put("accuracy", finite(e.accuracy()));
            m.put("previousMacroF1", e.previousMacroF1());
            m.put("validationSamples", e.validationSamples());
            m.put("reason", e.reason());
            m.put("trainMillis", e.trainMillis());
            m.put("at", e.at().toString());
            hist.add(m);
        }
        out.put("history", hist);
        out.put("validation", service.validationDescription());
        return out;
    }

    /** Latest published model of a global model id (a task id). */
    @Get("/models/{modelId}/latest")
    public HttpResponse<Map<String, Object>> latest(@PathVariable String modelId) {
        return latestOf(modelId);
    }

    /** Latest published personalised model {@code taskId/cohort}. */
    @Get("/models/{taskId}/{cohort}/latest")
    public HttpResponse<Map<String, Object>> latestCohort(@PathVariable String taskId, @PathVariable String cohort) {
        return latestOf(taskId + "/" + cohort);
    }

    /** Latest model by query parameter (any model id). */
    @Get("/models/latest")
    public HttpResponse<Map<String, Object>> latestByQuery(@QueryValue String modelId) {
        return latestOf(modelId);
    }

    private HttpResponse<Map<String, Object>> latestOf(String modelId) {
        return service.live(modelId).<HttpResponse<Map<String, Object>>>map(l -> HttpResponse.ok(describe(l.update())))
                .orElseGet(() -> HttpResponse.notFound(Map.of("error", "no published model " + modelId)));
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** The update without the weights (size instead), Base64 signature. */
    static Map<String, Object> describe(ModelUpdate u) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("modelId", u.getModelId());
        m.put("taskId", u.getTaskId());
        m.put("cohort", u.getCohort());
        m.put("version", u.getVersion());
        m.put("format", u.getFormat());
        m.put("architecture", u.getArchitecture());
        m.put("weightsBytes", u.getWeights().remaining());
        m.put("sha256", u.getSha256());
        m.put("signatureAlgorithm", u.getSignatureAlgorithm());
        m.put("signingKeyId", u.getSigningKeyId());
        m.put("signature", java.util.Base64.getEncoder().encodeToString(bytes(u.getSignature())));
        m.put("syntheticSetVersion", u.getSyntheticSetVersion());
        m.put("classes", u.getClasses());
        m.put("accuracy", u.getMetrics().getAccuracy());
        m.put("macroF1", u.getMetrics().getMacroF1());
        m.put("validationSamples", u.getMetrics().getSamples());
        m.put("previousMacroF1", u.getMetrics().getPreviousMacroF1());
        m.put("createdAt", u.getCreatedAt().toString());
        return m;
    }

    private static byte[] bytes(java.nio.ByteBuffer b) {
        java.nio.ByteBuffer d = b.duplicate();
        byte[] out = new byte[d.remaining()];
        d.get(out);
        return out;
    }
}
