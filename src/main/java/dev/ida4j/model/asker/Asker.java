package dev.ida4j.model.asker;

import static dev.ida4j.model.asker.Views.head;

import dev.ida4j.backend.Backend;
import dev.ida4j.model.Model;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * The learned overseer H′: a causal transformer over transcripts (never the facts) trained to imitate H's
 * subquestions and answers. All memory is allocated here, once, for up to {@code capacity} transcripts.
 *
 * <pre>
 *   input (n, S)     = [0, transcript₀ .. transcript_{T-1}]           position i predicts transcript token i
 *   x0   (n, S, C)   = wte[input] + wtype[type(i)] + wpe[i]            type(i): the role of the token predicted at i
 *   x    (n, S, C)   = L {@link Cell}s (post-LN + BatchNorm, or pre-LN followed by a final LayerNorm)
 *   logp (n, S, V)   = {@link Head}: gated mixture of a copy pointer over earlier tokens and a generator
 *   loss             = ½·mean CE over subquestion tokens + ½·mean CE over main-answer tokens   (per transcript, then
 *                      averaged over transcripts; answers only when there are no slots)
 * </pre>
 *
 * The loss is the reference's "mean of the two averages": both kinds of token H writes weigh the same however many
 * subquestion slots a task has. Main-question and subanswer tokens (and the last position, which predicts nothing)
 * are masked out. BatchNorm's running statistics average the first 300 training batches exactly and are then an
 * EMA with horizon 300 (the reference's horizon); the batch count is a buffer so a checkpoint restores it.
 *
 * <p>{@link #evaluate}, {@link #loss} and {@link #generate} reuse the batch buffers; the batch from {@link #setBatch}
 * is kept on the host and uploaded again by the next {@link #forwardBackward}.
 */
public final class Asker implements Model {
    private static final int BN_HORIZON = 300;

    /** Eval-mode loss and argmax token accuracy over the subquestion tokens and over the main-answer tokens. */
    public record Evaluation(float loss, double subquestionAccuracy, double answerAccuracy) {
    }

    private final Backend backend;
    private final AskerConfig cfg;
    private final int capacity;
    private final int s;
    private final int t;
    private final int c;
    private final int v;
    private final TensorArena arena;
    private final Arena hostArena = Arena.ofShared();
    private final TensorSet params;
    private final TensorSet grads;
    private final TensorSet buffers;
    private final Cell[] cells;
    private final Head head;
    private final Decoder decoder;
    // device tensors, R = N·S rows at capacity
    private final Tensor inputs, targets, types;    // (N, S) I32
    private final Tensor mask, dlosses, losses;     // (N, S)
    private final Tensor e1, e2, x0;                // (R, C): token + position, type, their sum
    private final Tensor lnf, lnfMean, lnfRstd;     // pre-LN: (R, C), (R), (R)
    private final Tensor probs, dlogp;              // (R, V)
    private final Tensor dxA, dxB;                  // (R, C) residual-stream gradients, ping-pong
    // host memory
    private final float[] weights;                  // (S) loss weight of each position for one transcript
    private final int[] batch;                      // (N, T) the training batch
    private final MemorySegment hostInts;           // (N, S)
    private final MemorySegment hostFloats;         // (N, S) losses, weights
    private final MemorySegment hostLogp;           // (R, V)
    private final MemorySegment hostCount;          // (1)
    private int batchN;
    private boolean batchOnDevice;
    private boolean training = true;
    private Rng dropoutRng = new Rng(0);
    private long dropoutStream;     // mixed into every dropout seed (0: none)

    /** A model for up to {@code capacity} transcripts per batch. */
    public Asker(Backend backend, AskerConfig cfg, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("Asker: capacity " + capacity + " must be positive");
        }
        this.backend = backend;
        this.cfg = cfg;
        this.capacity = capacity;
        this.s = cfg.positions();
        this.t = cfg.transcriptLength();
        this.c = cfg.channels();
        this.v = cfg.vocab();
        this.arena = backend.arena("asker");
        TensorLayout layout = cfg.parameterLayout();
        this.params = arena.allocate("asker.params", layout);
        this.grads = arena.allocate("asker.grads", layout);
        this.buffers = arena.allocate("asker.buffers", cfg.bufferLayout());
        int r = capacity * s;
        TensorSet a = arena.allocate("asker.acts", TensorLayout.builder()
                .add("mask", capacity, s).add("dlosses", capacity, s).add("losses", capacity, s)
                .add("e1", r, c).add("e2", r, c).add("x0", r, c).add("lnf", r, c).add("lnfMean", r).add("lnfRstd", r)
                .add("probs", r, v).add("dlogp", r, v).add("dxA", r, c).add("dxB", r, c)
                .build());
        inputs = arena.allocate("asker.inputs", DType.I32, capacity, s);
        targets = arena.allocate("asker.targets", DType.I32, capacity, s);
        types = arena.allocate("asker.types", DType.I32, capacity, s);
        mask = a.get("mask");
        dlosses = a.get("dlosses");
        losses = a.get("losses");
        e1 = a.get("e1");
        e2 = a.get("e2");
        x0 = a.get("x0");
        lnf = a.get("lnf");
        lnfMean = a.get("lnfMean");
        lnfRstd = a.get("lnfRstd");
        probs = a.get("probs");
        dlogp = a.get("dlogp");
        dxA = a.get("dxA");
        dxB = a.get("dxB");
        Scratch scratch = new Scratch(arena, cfg, capacity);
        backend.fill(scratch.ones, 1f);
        cells = new Cell[cfg.layers()];
        for (int l = 0; l < cells.length; l++) {
            cells[l] = new Cell(backend, cfg, l, params, grads, buffers, arena, capacity, scratch);
        }
        head = new Head(backend, cfg, params, grads, arena, capacity);
        batch = new int[capacity * t];
        hostInts = hostArena.allocate((long) capacity * s * Integer.BYTES, 64);
        hostFloats = hostArena.allocate((long) capacity * s * Float.BYTES, 64);
        hostLogp = hostArena.allocate((long) r * v * Float.BYTES, 64);
        hostCount = hostArena.allocate(Float.BYTES, 64);
        weights = positionWeights(cfg);
        for (int b = 0; b < capacity; b++) {
            for (int i = 0; i < s; i++) {
                // the type of the token position i predicts; the last position predicts nothing and is typed as
                // the answer its input belongs to
                int type = i < t ? cfg.typeOf(i).ordinal() : TokenType.MAIN_ANSWER.ordinal();
                hostInts.setAtIndex(ValueLayout.JAVA_INT, (long) b * s + i, type);
                hostFloats.setAtIndex(ValueLayout.JAVA_FLOAT, (long) b * s + i, weights[i] != 0 ? 1f : 0f);
            }
        }
        backend.copyIn(types, hostInts);
        backend.copyIn(mask, hostFloats);
        decoder = new Decoder(this, backend, cfg, capacity, arena, hostArena);
    }

    /** Loss weight per position (S): ½/(slots·Lq) per subquestion token, ½/La per answer token (1/La if no slots). */
    private static float[] positionWeights(AskerConfig cfg) {
        float[] w = new float[cfg.positions()];
        float answer = cfg.slots() > 0 ? 0.5f / cfg.aLen() : 1f / cfg.aLen();
        float subquestion = cfg.slots() > 0 ? 0.5f / (cfg.slots() * cfg.qLen()) : 0f;
        for (int i = 0; i < cfg.transcriptLength(); i++) {
            TokenType type = cfg.typeOf(i);
            w[i] = type == TokenType.MAIN_ANSWER ? answer : type == TokenType.SUBQUESTION ? subquestion : 0f;
        }
        return w;
    }

    // ---- parameters --------------------------------------------------------------------------------------------

    /**
     * Initialises parameters and buffers from {@code seed}: linear weights N(0, 1/fan_in) (the reference's scaling),
     * zero biases, unit LayerNorm scales, embeddings N(0, 1/3) each so their sum has unit variance; BatchNorm
     * running mean 0, variance 1. Also reseeds dropout.
     */
    public void initialize(long seed) {
        decoder.invalidate();
        Rng r = new Rng(seed);
        try (TensorArena host = TensorArena.host("asker.init")) {
            TensorSet p = host.allocate("init", cfg.parameterLayout());
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor x = p.get(e.name());
                String name = e.name();
                boolean embedding = name.equals("wte") || name.equals("wtype") || name.equals("wpe");
                if (name.endsWith(".bias")) {
                    fillHost(x, 0f);
                } else if (name.contains("ln") && name.endsWith(".weight")) {
                    fillHost(x, 1f);
                } else {
                    double std = embedding ? Math.sqrt(1.0 / 3) : 1 / Math.sqrt(e.shape()[1]);
                    for (long i = 0; i < x.numel(); i++) {
                        x.set(i, (float) (std * r.nextGaussian()));
                    }
                }
            }
            backend.copyIn(params.all(), p.all().segment());
            TensorSet b = host.allocate("buffers", cfg.bufferLayout());
            fillHost(b.all(), 0f);
            for (TensorLayout.Entry e : cfg.bufferLayout().entries()) {
                if (e.name().endsWith("running_var")) {
                    fillHost(b.get(e.name()), 1f);
                }
            }
            backend.copyIn(buffers.all(), b.all().segment());
        }
        dropoutRng = r.split();
    }

    private static void fillHost(Tensor x, float value) {
        for (long i = 0; i < x.numel(); i++) {
            x.set(i, value);
        }
    }

    /** Dropout on and BatchNorm on batch statistics (true, the default), or neither. */
    public void setTraining(boolean on) {
        this.training = on;
    }

    // ---- training ----------------------------------------------------------------------------------------------

    /** Sets the training batch: the first n rows of {@code transcripts} (n, T), tokens in [0, V). */
    public void setBatch(int n, int[] transcripts) {
        checkTranscripts("setBatch", n, transcripts, t);
        decoder.invalidate();
        System.arraycopy(transcripts, 0, batch, 0, n * t);
        batchN = n;
        upload(n, transcripts);
        float inv = 1f / n;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                hostFloats.setAtIndex(ValueLayout.JAVA_FLOAT, (long) b * s + i, weights[i] * inv);
            }
        }
        backend.copyIn(head(dlosses, (long) n * s), hostFloats);
        batchOnDevice = true;
    }

    /** Forward and backward on the current batch: gradients of the loss replace {@link #grads()}; returns the loss. */
    public float forwardBackward() {
        if (batchN == 0) {
            throw new IllegalStateException("Asker.forwardBackward: no batch; call setBatch first");
        }
        if (cfg.postLn() && !training) {
            throw new IllegalStateException("Asker.forwardBackward: eval-mode BatchNorm has no backward here; "
                    + "call setTraining(true)");
        }
        int n = batchN;
        if (!batchOnDevice) {
            upload(n, batch);
            batchOnDevice = true;
        }
        Tensor h = forward(n, s, types, training);
        float loss = loss(n);
        backend.fill(grads.all(), 0f);
        backward(n, h);
        return loss;
    }

    /** One optimizer step on the current batch; returns the loss before the step. */
    public float trainStep(AdamW optimizer) {
        float loss = forwardBackward();
        optimizer.step(params, grads);
        return loss;
    }

    /** Eval-mode loss of n transcripts (n, T); no gradients. */
    public float loss(int n, int[] transcripts) {
        return evaluate(n, transcripts).loss();
    }

    /** Eval-mode loss and token accuracies of n transcripts (n, T); no gradients, no change to the model. */
    public Evaluation evaluate(int n, int[] transcripts) {
        float loss = forwardLogp("evaluate", n, transcripts);
        long[] right = new long[TokenType.values().length];
        long[] total = new long[right.length];
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < t; i++) {
                TokenType type = cfg.typeOf(i);
                if (type.writtenByOverseer()) {
                    total[type.ordinal()]++;
                    if (argmax(hostLogp, ((long) b * s + i) * v, v) == transcripts[b * t + i]) {
                        right[type.ordinal()]++;
                    }
                }
            }
        }
        int sq = TokenType.SUBQUESTION.ordinal();
        int ans = TokenType.MAIN_ANSWER.ordinal();
        return new Evaluation(loss, total[sq] == 0 ? Double.NaN : (double) right[sq] / total[sq],
                (double) right[ans] / total[ans]);
    }

    /**
     * Eval-mode log-probability of each token of n transcripts (n, T) under H′, given the tokens before it, into
     * {@code out} (n, T); 0 at the tokens H′ does not write (the question and the subanswers).
     */
    public void tokenLogProbs(int n, int[] transcripts, float[] out) {
        forwardLogp("tokenLogProbs", n, transcripts);
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < t; i++) {
                int token = transcripts[b * t + i];
                out[b * t + i] = cfg.typeOf(i).writtenByOverseer()
                        ? hostLogp.getAtIndex(ValueLayout.JAVA_FLOAT, ((long) b * s + i) * v + token) : 0f;
            }
        }
    }

    /** Eval-mode forward of n transcripts (n, T), their log-probabilities copied to the host; returns the loss. */
    private float forwardLogp(String caller, int n, int[] transcripts) {
        checkTranscripts(caller, n, transcripts, t);
        decoder.invalidate();
        upload(n, transcripts);
        batchOnDevice = false;
        forward(n, s, types, false);
        float loss = loss(n);
        backend.copyOut(hostLogp, head(head.logp(), (long) n * s * v));
        return loss;
    }

    static int argmax(MemorySegment values, long offset, int count) {
        int best = 0;
        float max = Float.NEGATIVE_INFINITY;
        for (int j = 0; j < count; j++) {
            float x = values.getAtIndex(ValueLayout.JAVA_FLOAT, offset + j);
            if (x > max) {
                max = x;
                best = j;
            }
        }
        return best;
    }

    // ---- generation --------------------------------------------------------------------------------------------

    /**
     * Writes transcript tokens [from, from + count) of the first n rows of {@code tokens} (n, T), given the tokens
     * before {@code from}: token by token, sampled from H′'s distribution with {@code rng}, or its argmax when
     * {@code rng} is null. Eval mode. One full forward over the prefix, then one cached position per token
     * (see {@link Decoder}).
     */
    public void generate(int n, int[] tokens, int from, int count, RandomGenerator rng) {
        generate(n, tokens, from, count, rng, false);
    }

    /**
     * {@link #generate(int, int[], int, int, RandomGenerator)}, and when {@code continuing}, reusing the cache the
     * previous call left instead of a forward over the whole prefix: only the positions since that call's end are
     * fed. The caller promises that the previous call was on the same n transcripts, that their tokens up to its end
     * are unchanged and that no parameter changed since (as within one amplified batch, round after round). Where
     * the cache cannot serve (another n, nothing new before {@code from}, or any other use of this model since),
     * the whole prefix is run, which is always exact.
     */
    public void generate(int n, int[] tokens, int from, int count, RandomGenerator rng, boolean continuing) {
        checkTranscripts("generate", n, tokens, t);
        if (from < 0 || count < 0 || from + count > t) {
            throw new IllegalArgumentException("Asker.generate: tokens [" + from + ", " + (from + count)
                    + ") must lie in the transcript [0, " + t + ")");
        }
        if (count == 0) {
            return;
        }
        batchOnDevice = false;
        if (continuing && decoder.canContinue(n, from)) {
            decoder.resume(n, tokens, from, count, rng);
        } else {
            decoder.generate(n, tokens, from, count, rng);
        }
    }

    // ---- forward and backward ----------------------------------------------------------------------------------

    /** Copies n transcripts into the device inputs (start token + transcript) and targets (transcript, then 0). */
    void upload(int n, int[] transcripts) {
        for (int b = 0; b < n; b++) {
            long row = (long) b * s;
            hostInts.setAtIndex(ValueLayout.JAVA_INT, row, 0);
            for (int i = 0; i < t; i++) {
                hostInts.setAtIndex(ValueLayout.JAVA_INT, row + i + 1, transcripts[b * t + i]);
            }
        }
        backend.copyIn(head(inputs, (long) n * s), hostInts);
        for (int b = 0; b < n; b++) {
            long row = (long) b * s;
            for (int i = 0; i < t; i++) {
                hostInts.setAtIndex(ValueLayout.JAVA_INT, row + i, transcripts[b * t + i]);
            }
            hostInts.setAtIndex(ValueLayout.JAVA_INT, row + t, 0);
        }
        backend.copyIn(head(targets, (long) n * s), hostInts);
    }

    /** The full forward over all S positions of the uploaded inputs; returns h (n·S, C). */
    Tensor forward(int n, boolean train) {
        return forward(n, s, types, train);
    }

    /**
     * Runs the body and head over the first {@code len} positions of n transcripts, packed (n, len): input tokens
     * from {@link #inputs()}, token types from {@code typeIds}; returns the final hidden states h (n·len, C).
     */
    Tensor forward(int n, int len, Tensor typeIds, boolean train) {
        int r = n * len;
        long rc = (long) r * c;
        Tensor in = head(inputs, r);
        backend.embeddingForward(head(e1, rc), in, params.get("wte"), params.get("wpe"), n, len, c);
        backend.embeddingForward(head(e2, rc), head(typeIds, r), params.get("wtype"), null, n, len, c);
        backend.residualForward(head(x0, rc), head(e1, rc), head(e2, rc), rc);
        float momentum = train && cfg.postLn() ? bnMomentum() : 0f;
        Tensor x = x0;
        for (Cell cell : cells) {
            long seed1 = train ? dropoutRng.nextLong() ^ dropoutStream : 0;
            long seed2 = train ? dropoutRng.nextLong() ^ dropoutStream : 0;
            cell.forward(n, len, x, train, seed1, seed2, momentum);
            x = cell.out();
        }
        if (!cfg.postLn()) {
            backend.layerNormForward(head(lnf, rc), head(lnfMean, r), head(lnfRstd, r), head(x, rc),
                    params.get("lnf.weight"), params.get("lnf.bias"), r, c);
            x = lnf;
        }
        head.forward(n, len, x, in);
        return x;
    }

    /** 1/min(batches seen, 300), counting this one, and counts it. */
    private float bnMomentum() {
        Tensor count = buffers.get("bn.updates");
        backend.copyOut(hostCount, count);
        float seen = hostCount.getAtIndex(ValueLayout.JAVA_FLOAT, 0) + 1;
        backend.fill(count, Math.min(seen, BN_HORIZON));
        return 1f / Math.min(seen, BN_HORIZON);
    }

    /** Cross-entropy of the last forward's log-probabilities: Σ weight·CE over positions, over n transcripts. */
    private float loss(int n) {
        int r = n * s;
        backend.crossEntropyForward(head(losses, r), head(probs, (long) r * v), head(head.logp(), (long) r * v),
                head(targets, r), head(mask, r), r, v);
        backend.copyOut(hostFloats, head(losses, r));
        double sum = 0;
        for (int b = 0; b < n; b++) {
            for (int i = 0; i < s; i++) {
                sum += weights[i] * hostFloats.getAtIndex(ValueLayout.JAVA_FLOAT, (long) b * s + i);
            }
        }
        return (float) (sum / n);
    }

    private void backward(int n, Tensor h) {
        int r = n * s;
        long rc = (long) r * c;
        backend.fill(head(dlogp, (long) r * v), 0f);
        backend.crossEntropyBackward(head(dlogp, (long) r * v), head(dlosses, r), head(probs, (long) r * v),
                head(targets, r), head(mask, r), r, v);
        Tensor dcur = dxA;
        Tensor dnext = dxB;
        backend.fill(head(dcur, rc), 0f);
        head.backward(n, dcur, h, dlogp);
        if (!cfg.postLn()) {
            Tensor last = cells[cells.length - 1].out();
            backend.fill(head(dnext, rc), 0f);
            backend.layerNormBackward(head(dnext, rc), grads.get("lnf.weight"), grads.get("lnf.bias"),
                    head(dcur, rc), head(last, rc), params.get("lnf.weight"), head(lnfMean, r), head(lnfRstd, r),
                    r, c);
            dcur = dnext;
            dnext = dcur == dxA ? dxB : dxA;
        }
        for (int l = cells.length - 1; l >= 0; l--) {
            backend.fill(head(dnext, rc), 0f);
            cells[l].backward(n, dnext, dcur, training);
            Tensor swap = dcur;
            dcur = dnext;
            dnext = swap;
        }
        Tensor in = head(inputs, r);
        backend.embeddingBackward(grads.get("wte"), grads.get("wpe"), head(dcur, rc), in, n, s, c);
        backend.embeddingBackward(grads.get("wtype"), null, head(dcur, rc), head(types, r), n, s, c);
    }

    private void checkTranscripts(String op, int n, int[] transcripts, int length) {
        if (n < 1 || n > capacity) {
            throw new IllegalArgumentException("Asker." + op + ": n " + n + " must be in [1, capacity " + capacity
                    + "]");
        }
        if (transcripts.length < n * length) {
            throw new IllegalArgumentException("Asker." + op + ": transcripts has " + transcripts.length
                    + " tokens, fewer than n·T = " + n + "·" + length);
        }
        for (int i = 0; i < n * length; i++) {
            if (transcripts[i] < 0 || transcripts[i] >= v) {
                throw new IllegalArgumentException("Asker." + op + ": token " + transcripts[i] + " at transcript "
                        + i / length + ", position " + i % length + " is outside the vocabulary [0, " + v + ")");
            }
        }
    }

    // ---- accessors for the decoder -----------------------------------------------------------------------------

    Cell[] cells() {
        return cells;
    }

    Head outputHead() {
        return head;
    }

    Tensor inputs() {
        return inputs;
    }

    /** The device targets (N, S): transcript token i at position i, 0 at the last position. */
    Tensor targets() {
        return targets;
    }

    MemorySegment hostLogp() {
        return hostLogp;
    }

    // ---- accessors ---------------------------------------------------------------------------------------------

    /** The state of the generator of dropout seeds, for a checkpoint. */
    public long[] dropoutState() {
        return dropoutRng.state();
    }

    /** Puts back a {@link #dropoutState()}, so a resumed run draws the same dropout masks. */
    public void restoreDropoutState(long[] state) {
        dropoutRng.restore(state);
    }

    /**
     * Draws dropout masks of stream {@code stream}: from the same generator of seeds, each seed mixed with the stream,
     * so that each rank of a data-parallel job gets masks of its own for its slice while the generator's state stays
     * the same on every rank; stream 0, the default, leaves the seeds as they are.
     */
    public void setDropoutStream(int stream) {
        this.dropoutStream = stream * 0x9E3779B97F4A7C15L;
    }

    public AskerConfig config() {
        return cfg;
    }

    public int capacity() {
        return capacity;
    }

    @Override
    public TensorSet params() {
        return params;
    }

    @Override
    public TensorSet grads() {
        return grads;
    }

    /** BatchNorm running statistics and their batch count (saved with the parameters in a checkpoint). */
    public TensorSet buffers() {
        return buffers;
    }

    @Override
    public List<TensorSet> state() {
        return List.of(params, buffers);
    }

    @Override
    public Backend backend() {
        return backend;
    }

    @Override
    public void close() {
        arena.close();
        hostArena.close();
    }
}
