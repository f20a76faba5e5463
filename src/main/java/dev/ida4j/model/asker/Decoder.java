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
import java.util.random.RandomGenerator;

/**
 * Incremental decoding for {@link Asker#generate}. Scope of the cache: one call. The call runs one eval-mode full
 * forward over the transcript so far (its first new token comes from that forward's position {@code from}), copies
 * every layer's keys and values of positions ≤ from into per-layer caches (and the copy head's keys and one-hot
 * values), then produces each further token with one position per layer: its key/value appended to the cache, one
 * query against the cached positions. Every other part of a cell is row-wise in eval mode (LayerNorm, BatchNorm on
 * running statistics, no dropout), so the step equals the full forward at that position up to float rounding.
 *
 * <p>Caches are (N·S + 1, ·) tables written by scatter ({@link Backend#embeddingBackward} into zeroed rows): row
 * b·S + j holds position j of transcript b; row N·S is a sink for the positions a prefill must not keep.
 */
final class Decoder {
    private final Asker asker;
    private final Backend backend;
    private final AskerConfig cfg;
    private final int capacity;
    private final int s;
    private final int t;
    private final int c;
    private final int v;
    private final Tensor ids;        // (N, S) I32 prefill cache rows
    private final Tensor stepIds;    // (N, 1) I32 this position's cache rows
    private final Tensor stepTokens; // (N, 1) I32 this position's input tokens
    private final Tensor stepTypes;  // (N, 1) I32 this position's token type
    private final Tensor keyMask;    // (N, S) 1 for the positions visible at this step
    private final Tensor e1, e2, xa, xb, h, mean, rstd; // (N, C) ×5, (N), (N)
    private final MemorySegment hostInts;   // (N, S)
    private final MemorySegment hostFloats; // (N, S)

    Decoder(Asker asker, Backend backend, AskerConfig cfg, int capacity, TensorArena arena, Arena hostArena) {
        this.asker = asker;
        this.backend = backend;
        this.cfg = cfg;
        this.capacity = capacity;
        this.s = cfg.positions();
        this.t = cfg.transcriptLength();
        this.c = cfg.channels();
        this.v = cfg.vocab();
        ids = arena.allocate("asker.decode.ids", DType.I32, capacity, s);
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
        asker.upload(n, tokens);
        asker.forward(n, false);
        prefill(n, from);
        MemorySegment logp = asker.hostLogp();
        Tensor full = asker.outputHead().logp();
        for (int b = 0; b < n; b++) {
            backend.copyOut(logp, Views.row(full, b * s + from, v));
            tokens[b * t + from] = choose(logp, rng);
        }
        for (int p = from + 1; p < from + count; p++) {
            step(n, tokens, p);
            backend.copyOut(logp, head(asker.outputHead().stepLogp(), (long) n * v));
            for (int b = 0; b < n; b++) {
                tokens[b * t + p] = choose(logp.asSlice((long) b * v * Float.BYTES), rng);
            }
        }
    }

    /** Caches positions 0..from of the last forward; the rest go to the sink row N·S. */
    private void prefill(int n, int from) {
        for (int b = 0; b < n; b++) {
            for (int j = 0; j < s; j++) {
                hostInts.setAtIndex(ValueLayout.JAVA_INT, (long) b * s + j, j <= from ? b * s + j : capacity * s);
            }
        }
        Tensor rows = head(ids, (long) n * s);
        backend.copyIn(rows, hostInts);
        for (Cell cell : asker.cells()) {
            cell.prefill(n, rows);
        }
        asker.outputHead().prefill(n, rows);
    }

    /** Position p for n transcripts: input token transcript[p - 1], output logp (n, V) in the head's step buffer. */
    private void step(int n, int[] tokens, int p) {
        upload(stepTokens, n, b -> tokens[b * t + p - 1]);
        upload(stepTypes, n, b -> cfg.typeOf(p).ordinal());
        upload(stepIds, n, b -> b * s + p);
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

    private void upload(Tensor dst, int n, java.util.function.IntUnaryOperator value) {
        for (int b = 0; b < n; b++) {
            hostInts.setAtIndex(ValueLayout.JAVA_INT, b, value.applyAsInt(b));
        }
        backend.copyIn(head(dst, n), hostInts);
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
