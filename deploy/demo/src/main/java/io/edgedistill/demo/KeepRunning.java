package io.edgedistill.demo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --keep-running}: after the report the whole system stays up (stack, services, edges still streaming, the
 * console) until Ctrl-C. The shutdown hook lets the demo close everything in order before the JVM exits.
 */
final class KeepRunning {

    private final CountDownLatch interrupted = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    KeepRunning() {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            interrupted.countDown();
            try {
                stopped.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-keep-running"));
    }

    /** Blocks until Ctrl-C (or another shutdown signal). */
    void await(LoopDemo.Running running) throws InterruptedException {
        System.out.println();
        System.out.println("The system keeps running: the edges stream traffic, the dashboard is live at " + running.dashboardUrl());
        System.out.println("Press Ctrl-C to stop everything.");
        interrupted.await();
        System.out.println("Stopping ...");
    }

    /** Everything is closed: the JVM may exit. */
    void done() {
        stopped.countDown();
    }
}
