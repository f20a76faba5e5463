package dev.ida4j.model.answerer;

import dev.ida4j.backend.Backend;
import dev.ida4j.model.Model;
import dev.ida4j.optim.AdamW;
import dev.ida4j.random.Rng;
import dev.ida4j.tensor.DType;
import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * Model X, the answerer (reference §1.4), with hand-written backprop over a {@link Backend}. All memory is allocated
 * here once for a capacity of B contexts, F facts and Q questions per context; batches up to that size reuse it.
 *
 * <pre>
 *   facts      = InputEmbedding(fact tokens)                       (b, f, C)   no positions: a set
 *   facts      = factLayers × Cell(self-attention, fact mask)      (b, f, C)   (+ LN in pre-LN mode)
 *   qvec       = InputEmbedding(question tokens)                   (b, q, C)
 *   qvec       = questionLayers × Cell(cross-attention to facts)   (b, q, C)   (+ LN in pre-LN mode)
 *   logp_i     = AnswerHead_i(qvec, facts, answer tokens < i)      (b·q, V)    i = 0 .. La-1
 *   loss       = Σ_i Σ_questions CE(logp_i, answer_i)·mask / Σ mask
 * </pre>
 *
 * <p>Training: {@link #setBatch}, then {@link #forward} / {@link #forwardBackward} / {@link #trainStep} (teacher
 * forcing). Inference: {@link #encode} runs the fact encoder once, then {@link #answer} may be called any number of
 * times against that encoding; it always runs in evaluation mode (BatchNorm running statistics, no dropout), so an
 * answer does not depend on which other questions share its call.
 *
 * <p>The question mask is the caller's choice: 0 removes a question from the loss and the accuracy (padding); the
 * reference instead trains blank questions towards the answer "?" (token 0), which is mask 1 with all-zero targets.
 *
 * <p>Deviations from the reference code: dropout masks are drawn per element, not shared across positions; the
 * mixture is taken in probability space with a floor ({@link Backend#MIXTURE_FLOOR}) rather than by log-sum-exp;
 * the answer prefix is added to the question vector through its own linear map instead of concatenated (the same
 * function class); BatchNorm statistics include blank facts and padding questions, as the reference's do; BatchNorm
 * eps 1e-5; the decoder MLPs' hidden width is mlpMultiplier·C (the reference's is not pinned down).
 */
public final class Answerer implements Model {
    private final Backend backend;
    private final AnswererConfig cfg;
    private final Dims capacity;
    private final TensorArena arena;
    private final java.lang.foreign.Arena hostArena = java.lang.foreign.Arena.ofShared();
    private final TensorSet params;
    private final TensorSet grads;
    private final TensorSet buffers;
    private final Workspace ws;
    private final InputEmbedding factEmbedding;
    private final InputEmbedding questionEmbedding;
    private final Cell[] factCells;
    private final Cell[] questionCells;
    private final AnswerHead[] heads;
    private final HostIo io;
    private final Rng dropoutSeeds = new Rng(0);
    private long dropoutStream;     // mixed into every dropout seed (0: none)
    private boolean training = true;
    private Dims batch;       // the dims of the last setBatch
    private Dims encoded;     // the dims of the last encode, null when the fact states were overwritten since
    private double questions; // Σ mask of the batch
    private boolean forwardDone;

    /** A model for up to {@code maxContexts} contexts of up to {@code maxFacts} facts and {@code maxQuestions}. */
    public Answerer(Backend backend, AnswererConfig cfg, int maxContexts, int maxFacts, int maxQuestions) {
        if (maxContexts < 1 || maxFacts < 1 || maxQuestions < 1) {
            throw new IllegalArgumentException("Answerer capacity must be positive: maxContexts " + maxContexts
                    + ", maxFacts " + maxFacts + ", maxQuestions " + maxQuestions);
        }
        this.backend = backend;
        this.cfg = cfg;
        this.capacity = new Dims(maxContexts, maxFacts, maxQuestions);
        this.arena = backend.arena("answerer");
        this.params = arena.allocate("params", cfg.parameterLayout());
        this.grads = arena.allocate("grads", cfg.parameterLayout());
        this.buffers = arena.allocate("buffers", cfg.bufferLayout());
        Tensor ones = arena.allocate("bn.scale", DType.F32, cfg.channels()); // BatchNorm's fixed unit scale
        backend.fill(ones, 1f);
        this.ws = declare(cfg, capacity);
        ws.allocate(arena);
        this.factEmbedding = new InputEmbedding(backend, cfg, true, params, grads, buffers, ones);
        this.questionEmbedding = new InputEmbedding(backend, cfg, false, params, grads, buffers, ones);
        this.factCells = new Cell[cfg.factLayers()];
        for (int l = 0; l < factCells.length; l++) {
            factCells[l] = new Cell(backend, cfg, "fact." + l + ".", "fact.g.", true, params, grads, buffers, ones);
        }
        this.questionCells = new Cell[cfg.questionLayers()];
        for (int l = 0; l < questionCells.length; l++) {
            questionCells[l] = new Cell(backend, cfg, "question." + l + ".", "question.g.", false, params, grads,
                    buffers, ones);
        }
        this.heads = new AnswerHead[cfg.answerLength()];
        for (int i = 0; i < heads.length; i++) {
            heads[i] = new AnswerHead(backend, cfg, i, params, grads);
        }
        this.io = new HostIo(backend, cfg, capacity, hostArena);
    }

    private static Workspace declare(AnswererConfig cfg, Dims cap) {
        int c = cfg.channels();
        Workspace ws = new Workspace(cap);
        ws.add("fact.mask", d -> new int[] {d.b(), d.f()})
                .add("fact.onehot", d -> new int[] {d.b(), d.f(), cfg.copyHeads() * cfg.vocab()})
                .add("question.mask", d -> new int[] {d.nq()}).add("dlosses", d -> new int[] {d.nq()});
        InputEmbedding.declare(ws, cfg, true);
        for (int l = 0; l < cfg.factLayers(); l++) {
            Cell.declare(ws, cfg, "fact." + l + ".", true);
        }
        Cell.declareScratch(ws, cfg, "fact.g.", true);
        InputEmbedding.declare(ws, cfg, false);
        for (int l = 0; l < cfg.questionLayers(); l++) {
            Cell.declare(ws, cfg, "question." + l + ".", false);
        }
        Cell.declareScratch(ws, cfg, "question.g.", false);
        for (String s : new String[] {"fact", "question"}) {
            boolean f = s.equals("fact");
            if (cfg.preLayerNorm()) {
                ws.add(s + ".lnf", d -> new int[] {f ? d.nf() : d.nq(), c})
                        .add(s + ".lnf.mean", d -> new int[] {f ? d.nf() : d.nq()})
                        .add(s + ".lnf.rstd", d -> new int[] {f ? d.nf() : d.nq()});
            }
            // gradients of the stack's running state, ping-ponged layer by layer, and of its output
            ws.add(s + ".g.a", d -> new int[] {f ? d.nf() : d.nq(), c})
                    .add(s + ".g.b", d -> new int[] {f ? d.nf() : d.nq(), c})
                    .add(s + ".g.out", d -> new int[] {f ? d.nf() : d.nq(), c});
        }
        for (int i = 0; i < cfg.answerLength(); i++) {
            AnswerHead.declare(ws, cfg, i);
        }
        return ws;
    }

    // ---- set-up -------------------------------------------------------------------------------------------------

    /**
     * Embeddings N(0, 1), linear weights N(0, 1/fan_in), biases and shifts 0, LayerNorm scales 1, BatchNorm running
     * mean 0 and variance 1; all from one {@link Rng} seeded with {@code seed}, which also seeds dropout.
     */
    public void initialize(long seed) {
        Rng r = new Rng(seed);
        try (TensorArena host = TensorArena.host("init")) {
            TensorSet p = host.allocate("init", cfg.parameterLayout());
            for (TensorLayout.Entry e : cfg.parameterLayout().entries()) {
                Tensor x = p.get(e.name());
                String n = e.name();
                boolean scale = n.endsWith("ln1.weight") || n.endsWith("ln2.weight") || n.endsWith("lnf.weight");
                double std = n.endsWith(".wte") ? 1 : 1 / Math.sqrt(e.shape()[e.shape().length - 1]);
                for (long i = 0; i < x.numel(); i++) {
                    x.set(i, scale ? 1f : n.endsWith(".bias") ? 0f : (float) (std * r.nextGaussian()));
                }
            }
            backend.copyIn(params.all(), p.all().segment());
            TensorSet b = host.allocate("initBuffers", cfg.bufferLayout());
            for (TensorLayout.Entry e : cfg.bufferLayout().entries()) {
                Tensor x = b.get(e.name());
                for (long i = 0; i < x.numel(); i++) {
                    x.set(i, e.name().endsWith("running_var") ? 1f : 0f);
                }
            }
            backend.copyIn(buffers.all(), b.all().segment());
        }
        dropoutSeeds.restore(new Rng(seed ^ 0x5DEECE66DL).state());
    }

    /** The state of the generator of dropout seeds, for a checkpoint. */
    public long[] dropoutState() {
        return dropoutSeeds.state();
    }

    /** Puts back a {@link #dropoutState()}, so a resumed run draws the same dropout masks. */
    public void restoreDropoutState(long[] state) {
        dropoutSeeds.restore(state);
    }

    /**
     * Draws dropout masks of stream {@code stream}: from the same generator of seeds, each seed mixed with the stream,
     * so that each rank of a data-parallel job gets masks of its own for its slice while the generator's state stays
     * the same on every rank; stream 0, the default, leaves the seeds as they are.
     */
    public void setDropoutStream(int stream) {
        this.dropoutStream = stream * 0x9E3779B97F4A7C15L;
    }

    /** Training mode: dropout on, BatchNorm with batch statistics (and running-statistics updates). */
    public void setTraining(boolean on) {
        this.training = on;
    }

    public boolean isTraining() {
        return training;
    }

    // ---- training -----------------------------------------------------------------------------------------------

    /**
     * A training batch of b contexts × f facts × q questions, host arrays row-major: factTokens (b·f·W), blank
     * facts all-zero rows (masked out as keys); questionTokens (b·q·Lq); answerTokens (b·q·La), the targets and the
     * teacher-forced decoder inputs; questionMask (b·q), the weight of each question in the loss.
     */
    public void setBatch(int b, int f, int q, int[] factTokens, int[] questionTokens, int[] answerTokens,
                         float[] questionMask) {
        Dims d = new Dims(b, f, q);
        checkDims("setBatch", d);
        Map<String, Tensor> acts = ws.views(d);
        io.facts(acts, d, factTokens, factEmbedding.ids(acts));
        io.questions(acts, d, questionTokens, questionEmbedding.ids(acts));
        io.answers(acts, d, answerTokens, heads);
        questions = io.questionMask(acts, d, questionMask);
        batch = d;
        encoded = null;
        forwardDone = false;
    }

    /** Forward on the current batch; returns the loss (summed over answer positions, mean over masked questions). */
    public float forward() {
        Dims d = requireBatch("forward");
        Map<String, Tensor> acts = ws.views(d);
        encoded = null;
        Mode mode = training ? Mode.TRAIN : Mode.EVAL;
        Tensor facts = encodeFacts(acts, d, mode);
        Tensor qvec = encodeQuestions(acts, d, facts, mode);
        double sum = 0;
        for (AnswerHead head : heads) {
            head.keys(acts, d, facts);
            head.forward(acts, d, qvec, acts.get("fact.onehot"), acts.get("fact.mask"));
            head.loss(acts, d, acts.get("question.mask"));
            sum += io.sum(head.losses(acts), d.nq());
        }
        forwardDone = true;
        return questions == 0 ? 0f : (float) (sum / questions);
    }

    /** Zeroes the gradients and accumulates those of the loss of the last {@link #forward}. */
    public void backward() {
        Dims d = requireBatch("backward");
        if (!forwardDone) {
            throw new IllegalStateException("Answerer.backward: call forward() on the batch first");
        }
        Map<String, Tensor> acts = ws.views(d);
        backend.fill(grads.all(), 0f);
        Tensor facts = factState(acts);
        Tensor qvec = questionState(acts);
        Tensor dfacts = zero(acts.get("fact.g.out"));
        Tensor dqvec = zero(acts.get("question.g.out"));
        for (int i = heads.length - 1; i >= 0; i--) {
            heads[i].backward(acts, d, acts.get("dlosses"), acts.get("question.mask"), qvec, facts,
                    acts.get("fact.onehot"), dqvec, dfacts);
        }
        Tensor dq0 = stackBackward(acts, d, questionCells, questionEmbedding, "question", dqvec, facts, dfacts);
        questionEmbedding.backward(acts, d, dq0);
        Tensor df0 = stackBackward(acts, d, factCells, factEmbedding, "fact", dfacts, null, null);
        factEmbedding.backward(acts, d, df0);
    }

    /**
     * Sets every BatchNorm's running statistics to those of the current batch: one forward with batch statistics,
     * momentum 1 and no dropout (running variance unbiased, as always). The usual recalibration before evaluating on
     * a fixed set, since the reference's horizon of 300 steps lags a fast-changing model. No-op for pre-LN.
     */
    public void calibrateBatchNorm() {
        Dims d = requireBatch("calibrateBatchNorm");
        if (cfg.preLayerNorm()) {
            return;
        }
        Map<String, Tensor> acts = ws.views(d);
        encoded = null;
        forwardDone = false;
        encodeQuestions(acts, d, encodeFacts(acts, d, Mode.CALIBRATE), Mode.CALIBRATE);
    }

    /** {@link #forward} then {@link #backward}; returns the loss. */
    public float forwardBackward() {
        float loss = forward();
        backward();
        return loss;
    }

    /** One optimizer step on the current batch; returns the loss before it. */
    public float trainStep(AdamW optimizer) {
        float loss = forwardBackward();
        optimizer.step(params, grads);
        return loss;
    }

    /**
     * Fraction of masked-in questions of the last forward whose greedy tokens match every answer token (under
     * teacher forcing, which is exactly greedy decoding getting the whole answer right).
     */
    public float exactMatch() {
        Dims d = requireBatch("exactMatch");
        if (!forwardDone) {
            throw new IllegalStateException("Answerer.exactMatch: call forward() on the batch first");
        }
        return io.exactMatch(ws.views(d), d, heads, questions);
    }

    /** The argmax tokens (b·q·La) of the last forward, teacher-forced. */
    public void predictions(int[] out) {
        Dims d = requireBatch("predictions");
        if (!forwardDone) {
            throw new IllegalStateException("Answerer.predictions: call forward() on the batch first");
        }
        io.argmax(ws.views(d), d, heads, out);
    }

    // ---- inference ----------------------------------------------------------------------------------------------

    /**
     * Encodes b contexts of f facts (factTokens b·f·W) once, in evaluation mode, for any number of {@link #answer}
     * calls. A later {@link #setBatch} or {@link #forward} overwrites the encoding.
     */
    public void encode(int b, int f, int[] factTokens) {
        Dims d = new Dims(b, f, 1);
        checkDims("encode", d);
        Map<String, Tensor> acts = ws.views(d);
        io.facts(acts, d, factTokens, factEmbedding.ids(acts));
        Tensor facts = encodeFacts(acts, d, Mode.EVAL);
        // everything that depends on the facts alone, computed once for all later answer() calls
        for (Cell cell : questionCells) {
            cell.keys(acts, d, facts);
        }
        for (AnswerHead head : heads) {
            head.keys(acts, d, facts);
        }
        encoded = d;
        batch = null;
        forwardDone = false;
    }

    /**
     * Answers q questions per encoded context (questionTokens b·q·Lq) into outAnswers (b·q·La), sampling each token
     * from the model's distribution with {@code rng}, or greedily (argmax) when {@code rng} is null. Questions beyond
     * the capacity Q are answered in chunks. Unless {@code outLogProb} is null, it receives (b·q) each chosen
     * answer's log-probability under the model (the sum over its tokens).
     */
    public void answer(int q, int[] questionTokens, RandomGenerator rng, int[] outAnswers, float[] outLogProb) {
        if (encoded == null) {
            throw new IllegalStateException("Answerer.answer: no encoding; call encode() first (forward and setBatch"
                    + " reuse its memory)");
        }
        int b = encoded.b();
        io.checkTokens("answer", "questionTokens", questionTokens, (long) b * q * cfg.questionLength());
        if (outAnswers.length != b * q * cfg.answerLength()) {
            throw new IllegalArgumentException("Answerer.answer: outAnswers has " + outAnswers.length
                    + " elements, b·q·La = " + b * q * cfg.answerLength());
        }
        if (outLogProb != null) {
            if (outLogProb.length != b * q) {
                throw new IllegalArgumentException("Answerer.answer: outLogProb has " + outLogProb.length
                        + " elements, b·q = " + b * q);
            }
            Arrays.fill(outLogProb, 0f);
        }
        for (int start = 0; start < q; start += capacity.q()) {
            Dims d = new Dims(b, encoded.f(), Math.min(capacity.q(), q - start));
            Map<String, Tensor> acts = ws.views(d);
            io.questionChunk(d, q, start, questionTokens, questionEmbedding.ids(acts));
            Tensor qvec = encodeQuestions(acts, d, null, Mode.EVAL); // the cells' keys are the encoding's
            for (int i = 0; i < heads.length; i++) {
                if (i > 0) {
                    io.prefixChunk(d, q, start, i, outAnswers, heads[i].prevIds(acts));
                }
                heads[i].forward(acts, d, qvec, acts.get("fact.onehot"), acts.get("fact.mask"));
                io.choose(d, q, start, i, heads[i].logp(acts), rng, outAnswers, outLogProb);
            }
        }
    }

    // ---- the stacks ---------------------------------------------------------------------------------------------

    private Tensor encodeFacts(Map<String, Tensor> acts, Dims d, Mode mode) {
        Tensor x = factEmbedding.forward(acts, d, mode);
        for (Cell cell : factCells) {
            cell.forward(acts, d, x, null, acts.get("fact.mask"), mode, seed(mode), seed(mode));
            x = cell.out(acts);
        }
        return finalNorm(acts, "fact", x, d.nf());
    }

    /** The question stack; facts null: reuse the cross-attention keys of {@link #encode}. */
    private Tensor encodeQuestions(Map<String, Tensor> acts, Dims d, Tensor facts, Mode mode) {
        Tensor x = questionEmbedding.forward(acts, d, mode);
        for (Cell cell : questionCells) {
            cell.forward(acts, d, x, facts, acts.get("fact.mask"), mode, seed(mode), seed(mode));
            x = cell.out(acts);
        }
        return finalNorm(acts, "question", x, d.nq());
    }

    private long seed(Mode mode) {
        return mode.dropout() && cfg.dropout() > 0 ? dropoutSeeds.nextLong() ^ dropoutStream : 0;
    }

    /** Pre-LN: the stack's output goes through a final LayerNorm; post-LN cells already end in one. */
    private Tensor finalNorm(Map<String, Tensor> acts, String s, Tensor x, int rows) {
        if (!cfg.preLayerNorm()) {
            return x;
        }
        backend.layerNormForward(acts.get(s + ".lnf"), acts.get(s + ".lnf.mean"), acts.get(s + ".lnf.rstd"), x,
                params.get(s + ".lnf.weight"), params.get(s + ".lnf.bias"), rows, cfg.channels());
        return acts.get(s + ".lnf");
    }

    private Tensor factState(Map<String, Tensor> acts) {
        return cfg.preLayerNorm() ? acts.get("fact.lnf") : factCells[factCells.length - 1].out(acts);
    }

    private Tensor questionState(Map<String, Tensor> acts) {
        return cfg.preLayerNorm() ? acts.get("question.lnf") : questionCells[questionCells.length - 1].out(acts);
    }

    /** From the gradient of a stack's output to that of its embedding output x0 (returned; a workspace buffer). */
    private Tensor stackBackward(Map<String, Tensor> acts, Dims d, Cell[] cells, InputEmbedding embedding, String s,
                                 Tensor dout, Tensor ctx, Tensor dctx) {
        Tensor a = acts.get(s + ".g.a");
        Tensor b = acts.get(s + ".g.b");
        Tensor g = dout;
        int rows = s.equals("fact") ? d.nf() : d.nq();
        if (cfg.preLayerNorm()) {
            zero(a);
            backend.layerNormBackward(a, grads.get(s + ".lnf.weight"), grads.get(s + ".lnf.bias"), dout,
                    cells[cells.length - 1].out(acts), params.get(s + ".lnf.weight"), acts.get(s + ".lnf.mean"),
                    acts.get(s + ".lnf.rstd"), rows, cfg.channels());
            g = a;
        }
        for (int l = cells.length - 1; l >= 0; l--) {
            Tensor din = zero(g == a ? b : a);
            Tensor x = l == 0 ? embeddingOutput(acts, embedding, d) : cells[l - 1].out(acts);
            cells[l].backward(acts, d, g, din, x, ctx, dctx);
            g = din;
        }
        return g;
    }

    private Tensor embeddingOutput(Map<String, Tensor> acts, InputEmbedding embedding, Dims d) {
        String p = embedding == factEmbedding ? "fact." : "question.";
        return acts.get(cfg.preLayerNorm() ? p + "lin" : p + "x0");
    }

    // ---- helpers ------------------------------------------------------------------------------------------------

    private void checkDims(String op, Dims d) {
        if (d.b() < 1 || d.f() < 1 || d.q() < 1 || d.b() > capacity.b() || d.f() > capacity.f()
                || d.q() > capacity.q()) {
            throw new IllegalArgumentException("Answerer." + op + ": " + d.b() + " contexts × " + d.f() + " facts × "
                    + d.q() + " questions must be positive and within the capacity " + capacity.b() + " × "
                    + capacity.f() + " × " + capacity.q());
        }
    }

    private Dims requireBatch(String op) {
        if (batch == null) {
            throw new IllegalStateException("Answerer." + op + ": no batch; call setBatch() first");
        }
        return batch;
    }

    private Tensor zero(Tensor t) {
        backend.fill(t, 0f);
        return t;
    }

    public AnswererConfig config() {
        return cfg;
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** Trainable parameters, one block. */
    @Override
    public TensorSet params() {
        return params;
    }

    /** Gradients, laid out like {@link #params()}. */
    @Override
    public TensorSet grads() {
        return grads;
    }

    /** BatchNorm running statistics: with {@link #params()}, the whole state an EMA teacher or a checkpoint copies. */
    public TensorSet buffers() {
        return buffers;
    }

    @Override
    public List<TensorSet> state() {
        return List.of(params, buffers);
    }

    /** The log-probabilities (b·q, V) of answer position i from the last {@link #forward}. */
    public Tensor logp(int i) {
        return heads[i].logp(ws.views(requireBatch("logp")));
    }

    @Override
    public void close() {
        arena.close();
        hostArena.close();
    }
}
