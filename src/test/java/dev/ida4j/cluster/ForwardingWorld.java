package dev.ida4j.cluster;

import java.lang.foreign.MemorySegment;

/** A world that passes every call to another: tests override the calls they change. */
class ForwardingWorld implements World {
    private final World inner;

    ForwardingWorld(World inner) {
        this.inner = inner;
    }

    @Override
    public int rank() {
        return inner.rank();
    }

    @Override
    public int size() {
        return inner.size();
    }

    @Override
    public void sumFloats(MemorySegment floats, long count) {
        inner.sumFloats(floats, count);
    }

    @Override
    public void sum(double[] values) {
        inner.sum(values);
    }

    @Override
    public void sum(long[] values) {
        inner.sum(values);
    }

    @Override
    public byte[][] allgather(byte[] bytes) {
        return inner.allgather(bytes);
    }

    @Override
    public void broadcast(byte[] bytes, int root) {
        inner.broadcast(bytes, root);
    }

    @Override
    public void barrier() {
        inner.barrier();
    }

    @Override
    public void abort(int code) {
        inner.abort(code);
    }

    @Override
    public void close() {
        inner.close();
    }
}
