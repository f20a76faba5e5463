package dev.ida4j.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WatchedWorldTest {

    /** A world of two whose barrier waits until released, as one whose other rank hangs. */
    private static final class HangingWorld extends SingleProcessOfTwo {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void barrier() {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** rank 1 of 2, whose collectives return at once. */
    private static class SingleProcessOfTwo extends ForwardingWorld {
        SingleProcessOfTwo() {
            super(new SingleProcess());
        }

        @Override
        public int rank() {
            return 1;
        }

        @Override
        public int size() {
            return 2;
        }
    }

    @Test
    void shouldEndTheJobNamingTheRankThatWaitsTooLongInACollective() throws Exception {
        HangingWorld hanging = new HangingWorld();
        CompletableFuture<String> ended = new CompletableFuture<>();
        WatchedWorld world = new WatchedWorld(hanging, Duration.ofMillis(300), ended::complete);
        Thread trainer = Thread.ofPlatform().start(world::barrier);
        String message = ended.get(10, TimeUnit.SECONDS);
        hanging.release.countDown();
        trainer.join();
        assertThat(message).startsWith("ida4j: rank 1 of 2: waited in a barrier for the other ranks")
                .contains("ending the job");
    }

    @Test
    void shouldSayWhenTheRankItselfIsStuckOutsideCollectives() throws Exception {
        CompletableFuture<String> ended = new CompletableFuture<>();
        WatchedWorld world = new WatchedWorld(new SingleProcessOfTwo(), Duration.ofMillis(300), ended::complete);
        assertThat(ended.get(10, TimeUnit.SECONDS)).contains("rank 1 of 2: no collective with the other ranks (this"
                + " rank is stuck)");
        world.close();
    }

    @Test
    void shouldNotEndAJobWhoseCollectivesKeepReturning() throws Exception {
        CompletableFuture<String> ended = new CompletableFuture<>();
        WatchedWorld world = new WatchedWorld(new SingleProcessOfTwo(), Duration.ofMillis(500), ended::complete);
        long stop = System.nanoTime() + 1_500_000_000L;   // three timeouts
        while (System.nanoTime() < stop) {
            world.sum(new long[] {1});
            Thread.sleep(50);
        }
        world.close();
        assertThat(ended).isNotDone();
    }
}
