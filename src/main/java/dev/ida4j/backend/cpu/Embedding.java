package dev.ida4j.backend.cpu;

import dev.ida4j.tensor.Tensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Token + position embedding. Forward copies one table row (plus its position row) per token, rows split across
 * threads. Backward scatter-adds into the tables with threads splitting the channels, not the tokens: each
 * gradient element is owned by one thread and summed in token order, so there are no races and the result is the
 * same bit for bit for any thread count.
 */
final class Embedding {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();
    private static final ByteOrder NATIVE = ByteOrder.nativeOrder();
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED;
    /** Elements a thread should get at least before waking another is worth it. */
    private static final int MIN_WORK = 1 << 15;

    private final ThreadPool pool;
    private final Forward forward = new Forward();
    private final Backward backward = new Backward();

    Embedding(ThreadPool pool) {
        this.pool = pool;
    }

    // out(B,T,C) = wte[ids(B,T)] + wpe[t]; wte(V,C), wpe(T',C) or null
    void forward(Tensor out, Tensor ids, Tensor wte, Tensor wpe, int b, int t, int c) {
        Forward f = forward;
        f.ids = ids.segment();
        checkIds("embeddingForward", f.ids, wte.numel() / c, b, t);
        f.out = out.segment();
        f.wte = wte.segment();
        f.wpe = wpe == null ? null : wpe.segment();
        f.t = t;
        f.c = c;
        pool.forRange(b * t, Math.max(1, MIN_WORK / c), f);
    }

    // dwte[ids] += dout(B,T,C); dwpe[t] += Σ_b dout[b,t]; either gradient may be null
    void backward(Tensor dwte, Tensor dwpe, Tensor dout, Tensor ids, int b, int t, int c) {
        if (dwte == null && dwpe == null) {
            return;
        }
        Backward g = backward;
        g.ids = ids.segment();
        if (dwte != null) {
            checkIds("embeddingBackward", g.ids, dwte.numel() / c, b, t);
        }
        g.dwte = dwte == null ? null : dwte.segment();
        g.dwpe = dwpe == null ? null : dwpe.segment();
        g.dout = dout.segment();
        g.b = b;
        g.t = t;
        g.c = c;
        // whole vectors per thread, so no two threads write one cache line
        int chunks = (c + L - 1) / L;
        pool.forRange(chunks, Math.max(1, MIN_WORK / (b * t * L)), g);
    }

    private static void checkIds(String op, MemorySegment ids, long rows, int b, int t) {
        for (int row = 0; row < b * t; row++) {
            int id = ids.getAtIndex(I32, row);
            if (id < 0 || id >= rows) {
                throw new IllegalArgumentException(op + ": ids[" + row / t + ", " + row % t + "] = " + id
                        + " is outside the table's rows [0, " + rows + ")");
            }
        }
    }

    /** Token rows [begin, end) of (B·T). */
    private static final class Forward implements ThreadPool.Body {
        MemorySegment out;
        MemorySegment ids;
        MemorySegment wte;
        MemorySegment wpe;
        int t;
        int c;

        @Override
        public void run(int worker, int begin, int end) {
            long rowBytes = (long) c * Float.BYTES;
            for (int row = begin; row < end; row++) {
                long dst = row * rowBytes;
                long tok = ids.getAtIndex(I32, row) * rowBytes;
                if (wpe == null) {
                    MemorySegment.copy(wte, tok, out, dst, rowBytes);
                    continue;
                }
                long pos = (row % t) * rowBytes;
                int i = 0;
                for (; i <= c - L; i += L) {
                    long at = (long) i * Float.BYTES;
                    FloatVector.fromMemorySegment(S, wte, tok + at, NATIVE)
                            .add(FloatVector.fromMemorySegment(S, wpe, pos + at, NATIVE))
                            .intoMemorySegment(out, dst + at, NATIVE);
                }
                for (; i < c; i++) {
                    long at = (long) i * Float.BYTES;
                    out.set(F32, dst + at, wte.get(F32, tok + at) + wpe.get(F32, pos + at));
                }
            }
        }
    }

    /** Channel chunks [begin, end) of L channels each (the last one may be short), over every token in order. */
    private static final class Backward implements ThreadPool.Body {
        MemorySegment dwte;
        MemorySegment dwpe;
        MemorySegment dout;
        MemorySegment ids;
        int b;
        int t;
        int c;

        @Override
        public void run(int worker, int begin, int end) {
            int from = begin * L;
            int to = Math.min(end * L, c);
            long rowBytes = (long) c * Float.BYTES;
            for (int row = 0; row < b * t; row++) {
                long src = row * rowBytes;
                if (dwte != null) {
                    addRow(dwte, ids.getAtIndex(I32, row) * rowBytes, dout, src, from, to);
                }
                if (dwpe != null) {
                    addRow(dwpe, (row % t) * rowBytes, dout, src, from, to);
                }
            }
        }

        // dst[dstAt + i] += src[srcAt + i] for channels i in [from, to)
        private static void addRow(MemorySegment dst, long dstAt, MemorySegment src, long srcAt, int from, int to) {
            int i = from;
            for (; i <= to - L; i += L) {
                long at = (long) i * Float.BYTES;
                FloatVector.fromMemorySegment(S, dst, dstAt + at, NATIVE)
                        .add(FloatVector.fromMemorySegment(S, src, srcAt + at, NATIVE))
                        .intoMemorySegment(dst, dstAt + at, NATIVE);
            }
            for (; i < to; i++) {
                long at = (long) i * Float.BYTES;
                dst.set(F32, dstAt + at, dst.get(F32, dstAt + at) + src.get(F32, srcAt + at));
            }
        }
    }
}
