package dev.ida4j.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ThreadPoolTest {

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5})
    void shouldRunEveryIndexExactlyOnce(int threads) {
        try (ThreadPool pool = new ThreadPool(threads)) {
            for (int n : new int[] {0, 1, 2, 3, 7, 64, 1001}) {
                for (int grain : new int[] {1, 16, 5000}) {
                    AtomicIntegerArray hits = new AtomicIntegerArray(Math.max(n, 1));
                    for (int round = 0; round < 50; round++) {
                        pool.forRange(n, grain, (w, lo, hi) -> {
                            for (int i = lo; i < hi; i++) {
                                hits.incrementAndGet(i);
                            }
                        });
                    }
                    for (int i = 0; i < n; i++) {
                        assertThat(hits.get(i)).as("n %d grain %d index %d", n, grain, i).isEqualTo(50);
                    }
                }
            }
        }
    }

    @Test
    void shouldUseDistinctWorkersForDistinctRanges() {
        try (ThreadPool pool = new ThreadPool(3)) {
            int[] owner = new int[300];
            pool.forRange(300, (w, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                    owner[i] = w;
                }
            });
            assertThat(owner[0]).isZero();
            assertThat(owner[150]).isEqualTo(1);
            assertThat(owner[299]).isEqualTo(2);
        }
    }

    @Test
    void shouldRethrowAWorkersFailureAndStayUsable() {
        try (ThreadPool pool = new ThreadPool(2)) {
            assertThatThrownBy(() -> pool.forRange(10, (w, lo, hi) -> {
                if (w == 1) {
                    throw new IllegalArgumentException("bad row " + lo);
                }
            })).isInstanceOf(IllegalArgumentException.class).hasMessage("bad row 5");
            int[] sum = new int[1];
            pool.forRange(2, (w, lo, hi) -> {
                synchronized (sum) {
                    sum[0] += hi - lo;
                }
            });
            assertThat(sum[0]).isEqualTo(2);
        }
    }

    @Test
    void shouldRefuseNestedCalls() {
        try (ThreadPool pool = new ThreadPool(2)) {
            assertThatThrownBy(() -> pool.forRange(4, (w, lo, hi) -> {
                if (w == 0) {
                    pool.forRange(4, (w2, lo2, hi2) -> { });
                }
            })).hasMessageContaining("not reentrant");
        }
    }
}
