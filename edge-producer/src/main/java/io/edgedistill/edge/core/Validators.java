package io.edgedistill.edge.core;

import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.nn.Activation;
import io.edgedistill.schemas.ModelUpdate;
import io.edgedistill.schemas.RoundSpec;
import io.edgedistill.schemas.dlq.ContractChecks;
import io.edgedistill.schemas.dlq.RecordValidator;

/** Semantic checks of what an edge consumes; failing records go to the dead-letter topic with the reason. */
public final class Validators {
    private Validators() {
    }

    /** A round the edge can answer: the shared structural checks, and an activation this build implements. */
    public static final RecordValidator<RoundSpec> ROUND = r -> {
        List<String> v = new ArrayList<>(ContractChecks.ROUND.violations(r));
        String activation = r.getNetwork().getActivation();
        if (!activation.isBlank()) {
            try {
                Activation.valueOf(activation.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                v.add("unknown activation " + activation);
            }
        }
        return v;
    };

    /** Structural checks only; signature, checksum and versions are the {@link ModelSlot}'s job. */
    public static final RecordValidator<ModelUpdate> MODEL_UPDATE = ContractChecks.MODEL_UPDATE;

    /** Structural checks only; the root signature and the sequence are the {@link ModelVerifier}'s job. */
    public static final RecordValidator<io.edgedistill.schemas.KeyTrustList> TRUST_LIST = ContractChecks.TRUST_LIST;
}
