package dev.ida4j.model.answerer;

import dev.ida4j.tensor.TensorLayout;

/**
 * Sizes and switches of model X (reference §1.4). Task sizes: vocabulary V, fact length W (also the number of copy
 * heads K), question length Lq, answer length La. Model sizes: width C, attention heads NH, fact-encoder and
 * question-encoder layers, token embedding E, MLP hidden width H = mlpMultiplier·C (the cells' MLPs and the
 * decoder's two MLPs), dropout. {@code preLayerNorm} picks the modern pre-LN cell without BatchNorm; otherwise the
 * reference's post-LN cell with BatchNorm (learned shift, no scale) in the MLP branch and after each input embedding.
 */
public record AnswererConfig(int vocab, int factLength, int questionLength, int answerLength, int channels,
                             int heads, int factLayers, int questionLayers, int tokenEmbedding, int mlpMultiplier,
                             float dropout, boolean preLayerNorm) {

    /** BatchNorm running-statistics rate: the reference's horizon of 300 steps. */
    public static final float BN_MOMENTUM = 1f / 300;
    /** BatchNorm epsilon (PyTorch's default). */
    public static final float BN_EPS = 1e-5f;

    public AnswererConfig {
        positive("vocab", vocab);
        positive("factLength", factLength);
        positive("questionLength", questionLength);
        positive("answerLength", answerLength);
        positive("channels", channels);
        positive("heads", heads);
        positive("factLayers", factLayers);
        positive("questionLayers", questionLayers);
        positive("tokenEmbedding", tokenEmbedding);
        positive("mlpMultiplier", mlpMultiplier);
        if (channels % heads != 0) {
            throw new IllegalArgumentException("AnswererConfig: channels " + channels + " must be a multiple of heads "
                    + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("AnswererConfig: dropout " + dropout + " must be in [0, 1)");
        }
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("AnswererConfig: " + field + " must be positive, got " + value);
        }
    }

    /** The reference's X: C 512, 8 heads, 6 fact layers, 3 question layers, E 100, MLP 4x, dropout 0.1, post-LN+BN. */
    public static AnswererConfig paper(int vocab, int factLength, int questionLength, int answerLength) {
        return new AnswererConfig(vocab, factLength, questionLength, answerLength, 512, 8, 6, 3, 100, 4, 0.1f, false);
    }

    /** A size a 2-core CPU trains in minutes: C 128, 4 heads, 2 + 2 layers, E 32, MLP 4x, dropout 0.1, post-LN+BN. */
    public static AnswererConfig small(int vocab, int factLength, int questionLength, int answerLength) {
        return new AnswererConfig(vocab, factLength, questionLength, answerLength, 128, 4, 2, 2, 32, 4, 0.1f, false);
    }

    public AnswererConfig withDropout(float p) {
        return new AnswererConfig(vocab, factLength, questionLength, answerLength, channels, heads, factLayers,
                questionLayers, tokenEmbedding, mlpMultiplier, p, preLayerNorm);
    }

    public AnswererConfig withPreLayerNorm(boolean pre) {
        return new AnswererConfig(vocab, factLength, questionLength, answerLength, channels, heads, factLayers,
                questionLayers, tokenEmbedding, mlpMultiplier, dropout, pre);
    }

    /** MLP hidden width H. */
    public int hidden() {
        return mlpMultiplier * channels;
    }

    /** Copy heads K: one per within-fact position. */
    public int copyHeads() {
        return factLength;
    }

    /**
     * Parameter names and shapes, PyTorch's (out, in) convention for linear weights. The twin
     * (benchmarks/pytorch/answerer.py) uses the same names.
     */
    public TensorLayout parameterLayout() {
        TensorLayout.Builder p = TensorLayout.builder();
        embedding(p, "fact", factLength);
        for (int l = 0; l < factLayers; l++) {
            cell(p, "fact." + l + ".");
        }
        if (preLayerNorm) {
            p.add("fact.lnf.weight", channels).add("fact.lnf.bias", channels);
        }
        embedding(p, "question", questionLength);
        for (int l = 0; l < questionLayers; l++) {
            cell(p, "question." + l + ".");
        }
        if (preLayerNorm) {
            p.add("question.lnf.weight", channels).add("question.lnf.bias", channels);
        }
        if (answerLength > 1) {
            p.add("answer.wte", vocab, tokenEmbedding);
        }
        int kv = copyHeads() * vocab;
        int h = hidden();
        for (int i = 0; i < answerLength; i++) {
            String a = "answer." + i + ".";
            if (i > 0) {
                p.add(a + "prev.weight", channels, i * tokenEmbedding).add(a + "prev.bias", channels);
            }
            p.add(a + "copy.q.weight", kv, channels).add(a + "copy.q.bias", kv)
                    .add(a + "copy.k.weight", kv, channels).add(a + "copy.k.bias", kv)
                    .add(a + "gen.fc.weight", h, channels).add(a + "gen.fc.bias", h)
                    .add(a + "gen.proj.weight", vocab, h).add(a + "gen.proj.bias", vocab)
                    .add(a + "mix.fc.weight", h, channels).add(a + "mix.fc.bias", h)
                    .add(a + "mix.proj.weight", copyHeads() + 1, h).add(a + "mix.proj.bias", copyHeads() + 1);
        }
        return p.build();
    }

    private void embedding(TensorLayout.Builder p, String name, int length) {
        p.add(name + ".wte", vocab, tokenEmbedding).add(name + ".proj.weight", channels, length * tokenEmbedding);
        // post-LN: the BatchNorm's shift replaces the linear's bias (which the BatchNorm would cancel)
        p.add(name + (preLayerNorm ? ".proj.bias" : ".bn.bias"), channels);
    }

    private void cell(TensorLayout.Builder p, String c) {
        int h = hidden();
        for (String x : new String[] {"q", "k", "v", "proj"}) {
            p.add(c + "attn." + x + ".weight", channels, channels).add(c + "attn." + x + ".bias", channels);
        }
        p.add(c + "ln1.weight", channels).add(c + "ln1.bias", channels)
                .add(c + "mlp.fc.weight", h, channels).add(c + "mlp.fc.bias", h)
                .add(c + "mlp.proj.weight", channels, h)
                .add(c + (preLayerNorm ? "mlp.proj.bias" : "mlp.bn.bias"), channels)
                .add(c + "ln2.weight", channels).add(c + "ln2.bias", channels);
    }

    /** BatchNorm running statistics (post-LN only; empty for pre-LN): not trained, but part of a checkpoint. */
    public TensorLayout bufferLayout() {
        TensorLayout.Builder b = TensorLayout.builder();
        if (!preLayerNorm) {
            bn(b, "fact.bn");
            for (int l = 0; l < factLayers; l++) {
                bn(b, "fact." + l + ".mlp.bn");
            }
            bn(b, "question.bn");
            for (int l = 0; l < questionLayers; l++) {
                bn(b, "question." + l + ".mlp.bn");
            }
        }
        return b.build();
    }

    private void bn(TensorLayout.Builder b, String name) {
        b.add(name + ".running_mean", channels).add(name + ".running_var", channels);
    }
}
