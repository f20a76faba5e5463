package dev.ida4j.loop;

import java.util.random.RandomGenerator;

/**
 * A replay buffer of fixed-size int records: a ring that overwrites the oldest record when full, sampled uniformly
 * with replacement (as the reference's buffers). All records live in one int array, so a checkpoint saves the
 * buffer as one tensor plus two cursors.
 */
public final class RecordBuffer {
    private final int recordLength;
    private final int capacity;
    private final int[] data;   // (capacity, recordLength)
    private long added;

    public RecordBuffer(int capacity, int recordLength) {
        if (capacity < 1 || recordLength < 1) {
            throw new IllegalArgumentException("buffer capacity " + capacity + " and record length " + recordLength
                    + " must be positive");
        }
        this.capacity = capacity;
        this.recordLength = recordLength;
        this.data = new int[Math.multiplyExact(capacity, recordLength)];
    }

    public int recordLength() {
        return recordLength;
    }

    public int capacity() {
        return capacity;
    }

    /** Records held now (at most the capacity). */
    public int size() {
        return (int) Math.min(added, capacity);
    }

    /** Records ever added (the write cursor). */
    public long added() {
        return added;
    }

    /** Appends {@code record} (exactly {@link #recordLength()} ints), overwriting the oldest when full. */
    public void add(int[] record) {
        if (record.length != recordLength) {
            throw new IllegalArgumentException("record of " + record.length + " ints for a buffer of "
                    + recordLength);
        }
        System.arraycopy(record, 0, data, (int) (added % capacity) * recordLength, recordLength);
        added++;
    }

    /** A uniformly drawn record's offset into {@link #data()}. */
    public int sample(RandomGenerator rng) {
        if (added == 0) {
            throw new IllegalStateException("sampling from an empty buffer");
        }
        return rng.nextInt(size()) * recordLength;
    }

    /** The backing array, (capacity, recordLength): read records at offsets from {@link #sample}. */
    public int[] data() {
        return data;
    }

    /** Empties the buffer (its next record goes to the start). */
    public void clear() {
        added = 0;
    }

    /** Puts back a saved state: the backing array's contents and the write cursor. */
    public void restore(int[] savedData, long savedAdded) {
        if (savedData.length != data.length) {
            throw new IllegalArgumentException("saved buffer has " + savedData.length + " ints, this one "
                    + data.length);
        }
        System.arraycopy(savedData, 0, data, 0, data.length);
        added = savedAdded;
    }
}
