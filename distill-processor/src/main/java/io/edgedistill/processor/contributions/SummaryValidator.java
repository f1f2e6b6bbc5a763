package io.edgedistill.processor.contributions;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.edgedistill.schemas.ClassSummary;
import io.edgedistill.schemas.EdgeKnowledge;
import io.edgedistill.schemas.KnowledgeClass;
import io.edgedistill.schemas.RoundSpec;

/**
 * Semantic checks of contributions against the task's current round (DESIGN §2, issue 4): the round is
 * known (the task has a round and it is the current one), K and h match the round, every class index is in
 * the class list and appears once, counts are ≥ 1, every vector has K·h (or d_in) finite floats, and the
 * edge id equals the record key. An empty list means valid. Pure and thread-safe.
 */
public final class SummaryValidator {
    private SummaryValidator() {
    }

    public static List<String> violations(io.edgedistill.schemas.EdgeSummary s, String key, RoundSpec current) {
        List<String> v = new ArrayList<>();
        String edge = s.getEdgeId().toString();
        if (!edge.equals(key)) {
            v.add("edgeId '" + edge + "' does not match the record key '" + key + "'");
        }
        if (!roundKnown(v, s.getTaskId().toString(), s.getRoundId(), current)) {
            return v;
        }
        checkDims(v, s.getNumNetworks(), s.getEmbedDim(), current);
        if (s.getClasses().isEmpty()) {
            v.add("summary has no classes");
        }
        int len = s.getNumNetworks() * s.getEmbedDim();
        int dIn = current.getNetwork().getInputDim();
        Set<Integer> seen = new HashSet<>();
        for (ClassSummary cs : s.getClasses()) {
            int c = cs.getClassIndex();
            if (!classOk(v, c, current, seen)) {
                continue;
            }
            if (cs.getCount() < 1) {
                v.add("class " + c + ": count " + cs.getCount() + " < 1");
            }
            vector(v, "class " + c + " means", cs.getMeans(), len);
            vector(v, "class " + c + " secondMoments", cs.getSecondMoments(), len);
            vector(v, "class " + c + " inputMean", cs.getInputMean(), dIn);
            vector(v, "class " + c + " inputVar", cs.getInputVar(), dIn);
        }
        return v;
    }

    public static List<String> violations(EdgeKnowledge s, String key, RoundSpec current) {
        List<String> v = new ArrayList<>();
        String edge = s.getEdgeId().toString();
        if (!edge.equals(key)) {
            v.add("edgeId '" + edge + "' does not match the record key '" + key + "'");
        }
        if (!roundKnown(v, s.getTaskId().toString(), s.getRoundId(), current)) {
            return v;
        }
        checkDims(v, s.getNumNetworks(), s.getEmbedDim(), current);
        int len = s.getNumNetworks() * s.getEmbedDim();
        int dIn = current.getNetwork().getInputDim();
        Set<Integer> seen = new HashSet<>();
        if (s.getClasses().isEmpty()) {
            v.add("knowledge has no classes");
        }
        for (KnowledgeClass kc : s.getClasses()) {
            int c = kc.getClassIndex();
            if (!classOk(v, c, current, seen)) {
                continue;
            }
            if (kc.getCount() < 1) {
                v.add("class " + c + ": count " + kc.getCount() + " < 1");
            }
            vector(v, "class " + c + " means", kc.getMeans(), len);
            vector(v, "class " + c + " secondMoments", kc.getSecondMoments(), len);
            vector(v, "class " + c + " inputMean", kc.getInputMean(), dIn);
            vector(v, "class " + c + " inputVar", kc.getInputVar(), dIn);
        }
        return v;
    }

    private static boolean roundKnown(List<String> v, String taskId, long roundId, RoundSpec current) {
        if (current == null) {
            v.add("unknown task '" + taskId + "': no round has been published for it");
            return false;
        }
        if (roundId != current.getRoundId()) {
            v.add("unknown or stale round " + roundId + " of task '" + taskId + "' (current round is "
                    + current.getRoundId() + ")");
            return false;
        }
        return true;
    }

    private static void checkDims(List<String> v, int k, int e, RoundSpec r) {
        if (k != r.getNetwork().getCount()) {
            v.add("numNetworks " + k + " != round's " + r.getNetwork().getCount());
        }
        if (e != r.getNetwork().getEmbedDim()) {
            v.add("embedDim " + e + " != round's " + r.getNetwork().getEmbedDim());
        }
    }

    private static boolean classOk(List<String> v, int c, RoundSpec r, Set<Integer> seen) {
        if (c < 0 || c >= r.getClasses().size()) {
            v.add("classIndex " + c + " outside the round's " + r.getClasses().size() + " classes");
            return false;
        }
        if (!seen.add(c)) {
            v.add("classIndex " + c + " appears twice");
            return false;
        }
        return true;
    }

    private static void vector(List<String> v, String what, List<Float> values, int expected) {
        if (values == null) {
            return;
        }
        if (values.size() != expected) {
            v.add(what + " has " + values.size() + " floats, expected " + expected);
            return;
        }
        for (int i = 0; i < values.size(); i++) {
            float f = values.get(i);
            if (!Float.isFinite(f)) {
                v.add(what + "[" + i + "] is not finite (" + f + ")");
                return;
            }
        }
    }
}
