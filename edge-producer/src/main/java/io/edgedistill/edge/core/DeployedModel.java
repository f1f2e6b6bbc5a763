package io.edgedistill.edge.core;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.ClassificationMetrics;
import io.edgedistill.core.model.MlpModel;

/**
 * A verified model an edge can run.
 *
 * @param modelId             model identity (task, or task/cohort)
 * @param version             version within the model id
 * @param sha256              SHA-256 of its weights
 * @param model               the MLP
 * @param specJson            preprocessing spec JSON its inputs assume
 * @param spec                the parsed spec
 * @param classes             output classes in order
 * @param syntheticSetVersion synthetic set it was trained on
 * @param acceptedAt          when the edge accepted it
 * @param signingKeyId        the key that signed it (null for a model that was not delivered signed)
 */
public record DeployedModel(String modelId, long version, String sha256, MlpModel model, String specJson,
                            FeatureSpec spec, List<String> classes, long syntheticSetVersion, Instant acceptedAt,
                            String signingKeyId) {

    /** A model not delivered as a signed update (a local reference). */
    public DeployedModel(String modelId, long version, String sha256, MlpModel model, String specJson, FeatureSpec spec,
                         List<String> classes, long syntheticSetVersion, Instant acceptedAt) {
        this(modelId, version, sha256, model, specJson, spec, classes, syntheticSetVersion, acceptedAt, null);
    }

    public boolean personalised() {
        return modelId.indexOf('/') >= 0;
    }

    /**
     * Accuracy and macro-F1 of this model on labelled data, preprocessed with its own spec; rows of classes
     * it does not know are skipped. Empty when no row is left.
     */
    public Optional<ClassificationMetrics> evaluate(LocalData data) {
        return evaluate(data, row -> true);
    }

    /** The same on the local rows {@code rows} accepts (e.g. the edge's hold-out). */
    public Optional<ClassificationMetrics> evaluate(LocalData data, java.util.function.IntPredicate rows) {
        LabelledRows l = LabelledRows.of(this, data, rows);
        if (l.n() == 0) {
            return Optional.empty();
        }
        return Optional.of(ClassificationMetrics.of(l.y(), model.predict(l.x(), l.n()), classes.size()));
    }

    @Override
    public String toString() {
        return modelId + " v" + version;
    }
}
