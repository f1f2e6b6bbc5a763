package io.edgedistill.edge.core;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import io.edgedistill.core.model.ClassificationMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's acceptance check of a personalised candidate ({@link ModelSlot.LocalAcceptance}): its macro-F1 on the
 * labelled hold-out rows ({@link LabelledRows#heldOut}) must beat the running model's by
 * {@code personalisedMinGain}. The cloud cannot see the edge's traffic, so the edge judges on rows the candidate
 * has not learnt from. Without labelled local rows there is nothing to judge on, and the cloud's validation stands.
 */
final class HoldOutCheck implements ModelSlot.LocalAcceptance {
    private static final Logger LOG = LoggerFactory.getLogger(HoldOutCheck.class);

    private final EdgeSettings settings;
    private final Supplier<LocalData> data;

    HoldOutCheck(EdgeSettings settings, Supplier<LocalData> data) {
        this.settings = settings;
        this.data = data;
    }

    @Override
    public Optional<String> decline(DeployedModel candidate, DeployedModel running) {
        LocalData d = data.get();
        Optional<ClassificationMetrics> c = candidate.evaluate(d, LabelledRows::heldOut);
        Optional<ClassificationMetrics> r = running.evaluate(d, LabelledRows::heldOut);
        if (c.isEmpty() || r.isEmpty()) {
            return Optional.empty();
        }
        double fc = c.get().macroF1();
        double fr = r.get().macroF1();
        LOG.info("[{}] local check of personalised {}: macro-F1 {} vs running {}'s {} on {} held-out rows", settings.edgeId(),
                candidate, fmt(fc), running, fmt(fr), c.get().samples());
        if (fc >= fr + settings.personalisedMinGain()) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT,
                "macro-F1 %.3f on %d held-out local rows is not %.3f above the running %s's %.3f", fc, c.get().samples(),
                settings.personalisedMinGain(), running, fr));
    }

    private static String fmt(double v) {
        return String.format("%.3f", v);
    }
}
