package io.edgedistill.deploy;

/**
 * The JVM option every process of a local run shares (the broker, the registry, the services the demo and the system
 * tests start; the {@code edgedistill} launcher gives every JVM it starts the same, the demo's own included).
 *
 * <p><b>C1 only</b> ({@code -XX:TieredStopAtLevel=1}). A local run puts six JVMs on one small machine, and in their
 * first minute HotSpot's optimising compiler (C2) spent 20–45 CPU-seconds in each of the broker, the processor, the
 * updater and the demo's JVM (JFR's compiler statistics of one demo run): more than the rounds themselves used on 2
 * cores. C1's code is slower at its peak, which a local run never reaches; stopping there took a demo round from
 * 15.3 s to 6.1 s and the demo from 96 s to 56 s on the same machine (docs/performance.md). Production pods run one
 * service each and keep the JVM's default tiered compilation (deploy/k8s).
 */
public final class LocalJvm {
    /** The compiler option of every local JVM. */
    public static final String COMPILER = "-XX:TieredStopAtLevel=1";

    private LocalJvm() {
    }
}
