package dev.ida4j.tensor;

/** Element types a tensor can hold. Every backend op documents which types it accepts. */
public enum DType {
    F32(4),
    I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }
}
