package io.edgedistill.updater.service;

import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.model.MlpModel;
import io.edgedistill.schemas.ModelUpdate;

/**
 * The live (last published) model of one model id: what edges run, and so what a candidate must be compared with.
 *
 * @param update  the published update
 * @param model   its network, to re-score it on the candidate's validation rows
 * @param spec    its preprocessing spec (null when a restored update carried none: it cannot be re-scored)
 * @param specSha SHA-256 of that spec's JSON
 */
public record LiveModel(ModelUpdate update, MlpModel model, FeatureSpec spec, String specSha) {

    /** The live model's score, as a reference for the {@link PublicationGate}. */
    PublicationGate.Reference reference(double macroF1) {
        return new PublicationGate.Reference(update.getModelId(), update.getVersion(), macroF1);
    }
}
