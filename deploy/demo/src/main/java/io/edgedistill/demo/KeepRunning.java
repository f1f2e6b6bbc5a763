package io.edgedistill.demo;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code --keep-running}: after the report the whole system stays up (stack, services, edges still streaming, the
 * console) until Ctrl-C. The services' and the stack's processes stop on their own shutdown hooks at once; this hook
 * holds the JVM until the demo has closed the edges and its working directory, so nothing is left on disk.
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
        System.out.println("The system keeps running: the edges stream traffic"
                + (running.dashboardUrl() == null ? "." : ", the dashboard is live at " + running.dashboardUrl()));
        System.out.println("Press Ctrl-C to stop everything.");
        interrupted.await();
        System.out.println("Stopping ...");
    }

    /** Whether Ctrl-C came: the stack is stopping, so nothing more should use it. */
    boolean interrupted() {
        return interrupted.getCount() == 0;
    }

    /** Everything is closed: the JVM may exit. */
    void done() {
        stopped.countDown();
    }
}
