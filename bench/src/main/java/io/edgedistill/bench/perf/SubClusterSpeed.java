package io.edgedistill.bench.perf;

import java.util.Locale;

import io.edgedistill.bench.eval.DataLoading;
import io.edgedistill.core.data.Dataset;
import io.edgedistill.core.data.FeatureSpec;
import io.edgedistill.core.data.Preprocessor;
import io.edgedistill.core.data.RawDataset;
import io.edgedistill.core.mixture.SubClusterOptions;
import io.edgedistill.core.mixture.SubClusterSummary;
import io.edgedistill.core.mixture.SubClusterer;

/**
 * How long an edge's sub-cluster statistics take (summary v2, {@link SubClusterer} with the rounds' defaults M 32,
 * k_min 10): one edge's {@code rows} generated 5G-NIDD-schema rows, pre-processed as a round does, summarised
 * {@code repeats} times in one JVM (the first repetitions pay for compilation). Prints each repetition's
 * milliseconds, the sub-cluster count and a hash of the statistics (the same every time: the fit is
 * deterministic).
 *
 * <pre>java -Dai.djl.offline=true -cp "bench/target/classes:$(cat bench/target/classpath.txt)" \
 *     io.edgedistill.bench.perf.SubClusterSpeed [repeats=10] [rows=2000] [seed=42]</pre>
 */
public final class SubClusterSpeed {
    private SubClusterSpeed() {
    }

    public static void main(String[] args) {
        int repeats = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int rows = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        RawDataset raw = DataLoading.generate5gNidd(rows, seed, 0);
        FeatureSpec spec = Preprocessor.fit(raw);
        Dataset data = spec.transform(raw);
        SubClusterer clusterer = new SubClusterer(SubClusterOptions.defaults(seed));
        System.out.printf(Locale.ROOT, "%d rows, %d features, %d classes%n", data.size(), data.dim(), data.numClasses());
        for (int rep = 0; rep < repeats; rep++) {
            long t0 = System.nanoTime();
            SubClusterSummary s = clusterer.summarize("edge", data.x(), data.y(), data.numClasses());
            long t1 = System.nanoTime();
            System.out.printf(Locale.ROOT, "repetition %d: %.1f ms, %d sub-clusters, statistics hash %08x%n", rep,
                    (t1 - t0) / 1e6, s.subClusterCount(), s.hashCode());
        }
    }
}
