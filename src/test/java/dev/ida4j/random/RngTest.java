package dev.ida4j.random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class RngTest {
    @Test
    void shouldContinueExactlyFromARestoredState() {
        Rng a = new Rng(42);
        for (int i = 0; i < 100; i++) {
            a.nextLong();
        }
        Rng b = Rng.fromState(a.state());
        long[] fromA = new long[50];
        long[] fromB = new long[50];
        for (int i = 0; i < 50; i++) {
            fromA[i] = a.nextLong();
            fromB[i] = b.nextLong();
        }
        assertArrayEquals(fromA, fromB);
    }

    @Test
    void shouldGiveDifferentStreamsForDifferentSeeds() {
        assertNotEquals(new Rng(1).nextLong(), new Rng(2).nextLong());
    }

    @Test
    void shouldDrawBoundedIntsUniformly() {
        Rng r = new Rng(7);
        int[] counts = new int[10];
        for (int i = 0; i < 100_000; i++) {
            counts[r.nextInt(10)]++;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - 10_000) < 500, "bucket count " + c);
        }
    }

    @Test
    void shouldRefuseAnInvalidState() {
        Rng r = new Rng(3);
        assertEquals("an Rng state is 4 longs, got 3",
                assertThrows(IllegalArgumentException.class, () -> r.restore(new long[3])).getMessage());
        assertThrows(IllegalArgumentException.class, () -> r.restore(new long[4]));
    }
}
