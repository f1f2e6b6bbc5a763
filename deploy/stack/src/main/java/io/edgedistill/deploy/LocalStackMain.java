package io.edgedistill.deploy;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgedistill stack}: start the local stack, print its URLs, and keep it running or stop it. */
@Command(name = "stack", mixinStandardHelpOptions = true,
        description = "Start a real Kafka broker (KRaft) and Apicurio Registry, create the topics, print the URLs.")
public final class LocalStackMain implements Callable<Integer> {

    @Option(names = "--data-dir", description = "Where broker data and logs live (default: ${DEFAULT-VALUE}).",
            defaultValue = ".stack")
    Path dataDir;

    @Option(names = "--kafka-port", description = "Broker listener port (default: ${DEFAULT-VALUE}).", defaultValue = "9092")
    int kafkaPort;

    @Option(names = "--controller-port", description = "KRaft controller port (default: ${DEFAULT-VALUE}).", defaultValue = "9093")
    int controllerPort;

    @Option(names = "--registry-port", description = "Registry HTTP port (default: ${DEFAULT-VALUE}).", defaultValue = "8081")
    int registryPort;

    @Option(names = "--keep-running", description = "Keep the stack up until Ctrl-C (otherwise stop after start-up checks).")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        LocalStack stack = LocalStack.builder().dataDir(dataDir).kafkaPort(kafkaPort).controllerPort(controllerPort)
                .registryPort(registryPort).build();
        try {
            stack.start();
        } catch (StackException e) {
            System.err.println("Stack did not start: " + e.getMessage());
            return 2;
        }
        System.out.printf("EdgeDistill local stack up in %.1f s (broker %.1f s, registry %.1f s)%n",
                (System.nanoTime() - t0) / 1e9, stack.brokerStartup().toMillis() / 1e3, stack.registryStartup().toMillis() / 1e3);
        System.out.println("  bootstrap.servers      = " + stack.bootstrapServers());
        System.out.println("  registry (Apicurio v3) = " + stack.registryUrl());
        System.out.println("  registry (Confluent)   = " + stack.confluentRegistryUrl());
        System.out.println("  data                   = " + dataDir.toAbsolutePath());
        TopicPlan.Result r = stack.topicResult();
        System.out.printf("  topics: %d created, %d updated, %d unchanged%n", r.created().size(), r.updated().size(), r.unchanged().size());
        if (!keepRunning) {
            stack.close();
            return 0;
        }
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stopping the stack ...");
            stack.close();
            done.countDown();
        }));
        System.out.println("Running; press Ctrl-C to stop.");
        done.await();
        return 0;
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStackMain()).execute(args));
    }
}
