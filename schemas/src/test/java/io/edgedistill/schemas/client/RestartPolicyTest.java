package io.edgedistill.schemas.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class RestartPolicyTest {

    @Test
    void aFailedLifeStartsOverUntilOneEndsNormally() {
        AtomicInteger lives = new AtomicInteger();
        RestartPolicy policy = new RestartPolicy("test loop", Duration.ofMillis(10));

        policy.runUntilStopped(() -> lives.incrementAndGet() == 3, () -> true);

        assertThat(lives).hasValue(3);
        assertThat(policy.failures()).isEqualTo(2);
    }

    @Test
    void aStoppedServiceIsNotRestarted() {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger lives = new AtomicInteger();
        RestartPolicy policy = new RestartPolicy("test loop", Duration.ofMillis(10));

        policy.runUntilStopped(() -> {
            lives.incrementAndGet();
            running.set(false);
            return false;
        }, running::get);

        assertThat(lives).hasValue(1);
    }

    @Test
    void anInterruptDuringThePauseEndsTheLoopWithTheFlagSet() throws Exception {
        AtomicInteger lives = new AtomicInteger();
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch failedOnce = new CountDownLatch(1);
        RestartPolicy policy = new RestartPolicy("test loop", Duration.ofMinutes(1));
        Thread t = new Thread(() -> {
            policy.runUntilStopped(() -> {
                lives.incrementAndGet();
                failedOnce.countDown();
                return false;
            }, () -> true);
            interrupted.set(Thread.currentThread().isInterrupted());
        });
        t.start();
        assertThat(failedOnce.await(10, TimeUnit.SECONDS)).isTrue();
        t.interrupt();
        t.join(10_000);

        assertThat(t.isAlive()).isFalse();
        assertThat(interrupted).isTrue();
        assertThat(lives).hasValue(1);
    }
}
