package io.edgedistill.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.edgedistill.core.signing.TrafficMac;
import io.edgedistill.deploy.LocalStack;
import io.edgedistill.edge.core.DeployedModel;
import io.edgedistill.edge.core.EdgeRuntime;
import io.edgedistill.edge.core.EdgeSettings;
import io.edgedistill.edge.core.LocalData;
import io.edgedistill.edge.core.ModelVerifier;
import io.edgedistill.edge.core.TrafficStreamer;
import io.edgedistill.schemas.client.KafkaClientSettings;

/** The simulated edges of a run, in this JVM: each a full {@link EdgeRuntime} on its own shard of the rows. */
final class EdgeFleet implements AutoCloseable {

    private final LocalStack stack;
    private final LoopDemo.Options o;
    private final ServiceSettings keys;
    private final String trusted;
    private final List<EdgeRuntime> edges = new ArrayList<>();
    /** Bytes of the edges' rows as float32 features, for the report's comparison with what they send. */
    private long rawBytes;

    EdgeFleet(LocalStack stack, LoopDemo.Options options, ServiceSettings keys, String trusted) {
        this.stack = stack;
        this.o = options;
        this.keys = keys;
        this.trusted = trusted;
    }

    static String edgeId(int i) {
        return String.format("edge-%02d", i);
    }

    /** On a secured stack, a principal for every edge. */
    void registerPrincipals() {
        if (!stack.secured()) {
            return;
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < o.edges(); i++) {
            ids.add(edgeId(i));
        }
        stack.addEdges(ids);
        System.out.printf("  secured: every edge connects as its own principal (%s ... %s), the observer as operator%n",
                ids.get(0), ids.get(ids.size() - 1));
    }

    /** One edge per shard; the last {@code poisonedEdges} are label-flipping attackers (the drift phase uses edge 0). */
    void start(List<LocalData> shards) {
        for (int i = 0; i < o.edges(); i++) {
            String id = edgeId(i);
            boolean poisoned = i >= o.edges() - o.poisonedEdges();
            LocalData data = poisoned ? shards.get(i).labelFlipped() : shards.get(i);
            if (poisoned) {
                System.out.printf("  %s is a poisoning edge: it summarises its rows with every label moved to the next class%n", id);
            }
            rawBytes += (long) data.size() * data.raw().columnNames().size() * 4L;
            edges.add(startEdge(id, data));
        }
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        long readyBy = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < readyBy && !edges.stream().allMatch(EdgeRuntime::ready)) {
            Thread.sleep(50);
        }
        System.out.printf("  %d/%d edges ready (consuming rounds and model updates)%n",
                edges.stream().filter(EdgeRuntime::ready).count(), edges.size());
    }

    private EdgeRuntime startEdge(String id, LocalData data) {
        // no absolute floor: an edge sends knowledge only when it sees drift (the drift phase shows it on one edge)
        EdgeSettings settings = new EdgeSettings(id, o.task(), "", true, 0.0, 0.6f, 0.5, 50, true,
                o.personalisedMinGain(), io.edgedistill.core.personal.DriftRule.Trigger.DEFAULT);
        EdgeRuntime edge = EdgeRuntime.create(settings, data, ModelVerifier.fromConfig(List.of(trusted)),
                new EdgeRuntime.Settings(stack.clientSettings(id),
                        new TrafficStreamer.Settings(o.trafficRate(), 10_000, 32L << 20, 60_000, 5, 64 << 10, "none", 0), true, 512, Duration.ofSeconds(3), keys.edgeKeys.get(id),
                        TrafficMac.edgeKey(keys.trafficMaster, id)));
        edge.start();
        return edge;
    }

    /** The newest global model any edge runs (or keeps as fallback under a personalised one). */
    DeployedModel latestGlobal() {
        DeployedModel best = null;
        for (EdgeRuntime e : edges) {
            for (DeployedModel m : new DeployedModel[] {e.node().slot().live(), e.node().slot().previous()}) {
                if (m != null && !m.personalised() && (best == null || m.version() > best.version())) {
                    best = m;
                }
            }
        }
        return best;
    }

    List<EdgeRuntime> edges() {
        return edges;
    }

    int size() {
        return edges.size();
    }

    long rawBytes() {
        return rawBytes;
    }

    long flowsScored() {
        return edges.stream().mapToLong(e -> e.node().flowsScored()).sum();
    }

    /**
     * Closes every edge at once: each waits up to 30 s for its last flows' acknowledgements, which never come when the
     * broker is already gone (after Ctrl-C with {@code --keep-running}), so one after the other would take minutes.
     */
    @Override
    public void close() {
        List<Thread> closing = new ArrayList<>();
        for (EdgeRuntime e : edges) {
            Thread t = new Thread(e::close, "close-edge-" + closing.size());
            t.start();
            closing.add(t);
        }
        for (Thread t : closing) {
            try {
                t.join();
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
