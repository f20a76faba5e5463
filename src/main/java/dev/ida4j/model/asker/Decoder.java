package dev.ida4j.model.asker;

import static dev.ida4j.model.asker.Views.head;

import dev.ida4j.backend.Backend;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.IntBinaryOperator;
import java.util.random.RandomGenerator;

/**
 * Incremental decoding for {@link Asker#generate}. Scope of the cache: one call. The call runs one eval-mode forward
 * over the prefix, positions 0..from (packed (n, from + 1), so an early round costs less than a late one); its
 * position {@code from} gives the first new token. It copies every layer's keys and values of the prefix into
 * per-layer caches (and the copy head's keys and one-hot values), then produces each further token with one
 * position per layer: its key/value appended to the cache, one query against the cached positions (a key mask hides
 * the rest). Every other part of a cell is row-wise in eval mode (LayerNorm, BatchNorm on running statistics, no
 * dropout), so a step equals the full forward at that position up to float rounding.
 *
 * <p>A call may instead {@link #resume} the cache of the previous call, feeding only the positions since its end,
 * when its caller vouches that nothing before changed (the same transcripts, tokens and parameters, as between the
 * rounds of one amplified batch): the cache cannot see a parameter change by itself.
 *
 * <p>Caches are (N·S, ·) tables written by scatter ({@link Backend#embeddingBackward} into zeroed rows): row
 * b·S + j holds position j of transcript b, so a step's key lands in place without a strided copy op.
 */
final class Decoder {
    private final Asker asker;
    private final Backend backend;
    private final AskerConfig cfg;
    private final int s;
    private final int t;
    private final int c;
    private final int v;
    private final Tensor ids;        // (N, S) I32 prefill cache rows, packed (n, from + 1)
    private final Tensor types;      // (N, S) I32 prefix token types, packed (n, from + 1)
    private final Tensor stepIds;    // (N, 1) I32 this position's cache rows
    private final Tensor stepTokens; // (N, 1) I32 this position's input tokens
    private final Tensor stepTypes;  // (N, 1) I32 this position's token type
    private final Tensor keyMask;    // (N, S) 1 for the positions visible at this step
    private final Tensor e1, e2, xa, xb, h, mean, rstd; // (N, C) ×5, (N), (N)
    private final MemorySegment hostInts;   // (N, S)
    private final MemorySegment hostFloats; // (N, S)
    private int cachedN = -1;        // transcripts in the cache, -1 when it serves nothing
    private int cachedEnd = -1;      // the last position whose keys and values it holds

    Decoder(Asker asker, Backend backend, AskerConfig cfg, int capacity, TensorArena arena, Arena hostArena) {
        this.asker = asker;
        this.backend = backend;
        this.cfg = cfg;
        this.s = cfg.positions();
        this.t = cfg.transcriptLength();
        this.c = cfg.channels();
        this.v = cfg.vocab();
        ids = arena.allocate("asker.decode.ids", DType.I32, capacity, s);
        types = arena.allocate("asker.decode.types", DType.I32, capacity, s);
        stepIds = arena.allocate("asker.decode.stepIds", DType.I32, capacity, 1);
        stepTokens = arena.allocate("asker.decode.stepTokens", DType.I32, capacity, 1);
        stepTypes = arena.allocate("asker.decode.stepTypes", DType.I32, capacity, 1);
        TensorSet a = arena.allocate("asker.decode", TensorLayout.builder()
                .add("keyMask", capacity, s).add("e1", capacity, c).add("e2", capacity, c).add("xa", capacity, c)
                .add("xb", capacity, c).add("h", capacity, c).add("mean", capacity).add("rstd", capacity)
                .build());
        keyMask = a.get("keyMask");
        e1 = a.get("e1");
        e2 = a.get("e2");
        xa = a.get("xa");
        xb = a.get("xb");
        h = a.get("h");
        mean = a.get("mean");
        rstd = a.get("rstd");
        hostInts = hostArena.allocate((long) capacity * s * Integer.BYTES, 64);
        hostFloats = hostArena.allocate((long) capacity * s * Float.BYTES, 64);
    }

    void generate(int n, int[] tokens, int from, int count, RandomGenerator rng) {
        int len = from + 1;
        upload(asker.inputs(), n, len, (b, j) -> j == 0 ? 0 : tokens[b * t + j - 1]);
        upload(types, n, len, (b, j) -> cfg.typeOf(j).ordinal());
        asker.forward(n, len, types, false);
        upload(ids, n, len, (b, j) -> b * s + j);
        Tensor rows = head(ids, (long) n * len);
        for (Cell cell : asker.cells()) {
            cell.prefill(n, len, rows);
        }
        asker.outputHead().prefill(n, len, rows);
        MemorySegment logp = asker.hostLogp();
        Tensor prefix = asker.outputHead().logp();
        for (int b = 0; b < n; b++) {
            backend.copyOut(logp, Views.row(prefix, b * len + from, v));
            tokens[b * t + from] = choose(logp, rng);
        }
        steps(n, tokens, from + 1, from + count, rng);
        cachedN = n;
        cachedEnd = from + count - 1;
    }

    boolean canContinue(int n, int from) {
        return n == cachedN && from > cachedEnd;
    }

    void invalidate() {
        cachedN = -1;
    }

    /** Feeds positions cachedEnd + 1 .. from - 1 (tokens already there), then writes [from, from + count). */
    void resume(int n, int[] tokens, int from, int count, RandomGenerator rng) {
        for (int p = cachedEnd + 1; p < from; p++) {
            step(n, tokens, p);
        }
        steps(n, tokens, from, from + count, rng);
        cachedEnd = from + count - 1;
    }

    /** Generates positions [first, end) one cached step each. */
    private void steps(int n, int[] tokens, int first, int end, RandomGenerator rng) {
        MemorySegment logp = asker.hostLogp();
        for (int p = first; p < end; p++) {
            step(n, tokens, p);
            backend.copyOut(logp, head(asker.outputHead().stepLogp(), (long) n * v));
            for (int b = 0; b < n; b++) {
                tokens[b * t + p] = choose(logp.asSlice((long) b * v * Float.BYTES), rng);
            }
        }
    }

    /** Position p for n transcripts: input token transcript[p - 1], output logp (n, V) in the head's step buffer. */
    private void step(int n, int[] tokens, int p) {
        upload(stepTokens, n, 1, (b, j) -> tokens[b * t + p - 1]);
        upload(stepTypes, n, 1, (b, j) -> cfg.typeOf(p).ordinal());
        upload(stepIds, n, 1, (b, j) -> b * s + p);
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < s; j++) {
                hostFloats.setAtIndex(ValueLayout.JAVA_FLOAT, (long) b * s + j, j <= p ? 1f : 0f);
            }
        }
        Tensor mask = head(keyMask, (long) n * s);
        backend.copyIn(mask, hostFloats);
        long nc = (long) n * c;
        Tensor tok = head(stepTokens, n);
        Tensor wpeRow = Views.row(asker.params().get("wpe"), p, c);
        backend.embeddingForward(head(e1, nc), tok, asker.params().get("wte"), wpeRow, n, 1, c);
        backend.embeddingForward(head(e2, nc), head(stepTypes, n), asker.params().get("wtype"), null, n, 1, c);
        backend.residualForward(head(xa, nc), head(e1, nc), head(e2, nc), nc);
        Tensor x = xa;
        Tensor y = xb;
        Tensor rowIds = head(stepIds, n);
        for (Cell cell : asker.cells()) {
            cell.step(n, y, x, rowIds, mask);
            Tensor swap = x;
            x = y;
            y = swap;
        }
        if (!cfg.postLn()) {
            backend.layerNormForward(head(h, nc), head(mean, n), head(rstd, n), head(x, nc),
                    asker.params().get("lnf.weight"), asker.params().get("lnf.bias"), n, c);
            x = h;
        }
        asker.outputHead().step(n, x, tok, rowIds, mask);
    }

    /** An int of each (transcript b, position j) for n transcripts × len positions, packed, into {@code dst}. */
    private void upload(Tensor dst, int n, int len, IntBinaryOperator value) {
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < len; j++) {
                hostInts.setAtIndex(ValueLayout.JAVA_INT, (long) b * len + j, value.applyAsInt(b, j));
            }
        }
        backend.copyIn(head(dst, (long) n * len), hostInts);
    }

    /** The argmax of log-probabilities (V) when {@code rng} is null, else a draw from their normalised exp. */
    private int choose(MemorySegment logp, RandomGenerator rng) {
        if (rng == null) {
            return Asker.argmax(logp, 0, v);
        }
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < v; j++) {
            max = Math.max(max, logp.getAtIndex(ValueLayout.JAVA_FLOAT, j));
        }
        double sum = 0;
        for (int j = 0; j < v; j++) {
            sum += Math.exp(logp.getAtIndex(ValueLayout.JAVA_FLOAT, j) - max);
        }
        double u = rng.nextDouble() * sum;
        for (int j = 0; j < v; j++) {
            u -= Math.exp(logp.getAtIndex(ValueLayout.JAVA_FLOAT, j) - max);
            if (u < 0) {
                return j;
            }
        }
        return v - 1;
    }
}
