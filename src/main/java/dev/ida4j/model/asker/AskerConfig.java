package dev.ida4j.model.asker;

import dev.ida4j.tensor.TensorLayout;

/**
 * Sizes of the learned overseer H′ and of the transcripts it reads. A transcript is T = (slots + 1)·(Lq + La) tokens:
 *
 * <pre>
 *   | main question (Lq) | slot 0: subquestion (Lq), subanswer (La) | ... | slot slots-1 | main answer (La) |
 * </pre>
 *
 * The model sees S = T + 1 positions: a start token (0) and then the transcript, so position i predicts transcript
 * token i. {@code postLn} selects the reference cell (attention → dropout → residual → LayerNorm; MLP → BatchNorm →
 * dropout → residual → LayerNorm); false selects a pre-LN cell (x + attn(LN(x)); x + MLP(LN(x)), no BatchNorm, a
 * final LayerNorm).
 *
 * @param vocab    V, the task's token vocabulary (token 0 is the blank {@code ?})
 * @param qLen     Lq, tokens per question
 * @param aLen     La, tokens per answer
 * @param slots    subquestion slots per transcript
 * @param channels C, the width
 * @param heads    NH, self-attention heads (C must be a multiple)
 * @param layers   L, transformer cells
 * @param dropout  dropout probability after attention and after the MLP, in [0, 1)
 * @param postLn   true: the reference post-LN + BatchNorm cell; false: pre-LN
 */
public record AskerConfig(int vocab, int qLen, int aLen, int slots, int channels, int heads, int layers,
                          float dropout, boolean postLn) {

    /** Width of the gate MLP's hidden layer (the reference calls it "small"; C keeps the count near 0.87–0.89M). */
    public int gateHidden() {
        return channels;
    }

    public AskerConfig {
        positive("vocab", vocab);
        positive("qLen", qLen);
        positive("aLen", aLen);
        positive("channels", channels);
        positive("heads", heads);
        positive("layers", layers);
        if (slots < 0) {
            throw new IllegalArgumentException("AskerConfig: slots " + slots + " must be ≥ 0");
        }
        if (channels % heads != 0) {
            throw new IllegalArgumentException("AskerConfig: channels " + channels + " must be a multiple of heads "
                    + heads);
        }
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("AskerConfig: dropout " + dropout + " must be in [0, 1)");
        }
    }

    private static void positive(String field, int value) {
        if (value < 1) {
            throw new IllegalArgumentException("AskerConfig: " + field + " " + value + " must be positive");
        }
    }

    /** The paper's H′ for a task: C 128, NH 4, L 4, dropout 0.1, post-LN + BatchNorm (≈0.84–0.88M parameters). */
    public static AskerConfig reference(int vocab, int qLen, int aLen, int slots) {
        return new AskerConfig(vocab, qLen, aLen, slots, 128, 4, 4, 0.1f, true);
    }

    public AskerConfig withSize(int newChannels, int newHeads, int newLayers) {
        return new AskerConfig(vocab, qLen, aLen, slots, newChannels, newHeads, newLayers, dropout, postLn);
    }

    public AskerConfig withLayers(int newLayers) {
        return withSize(channels, heads, newLayers);
    }

    public AskerConfig withDropout(float p) {
        return new AskerConfig(vocab, qLen, aLen, slots, channels, heads, layers, p, postLn);
    }

    public AskerConfig withPostLn(boolean post) {
        return new AskerConfig(vocab, qLen, aLen, slots, channels, heads, layers, dropout, post);
    }

    /** T, tokens per transcript. */
    public int transcriptLength() {
        return (slots + 1) * (qLen + aLen);
    }

    /** S = T + 1, positions the model runs over (the start token, then the transcript). */
    public int positions() {
        return transcriptLength() + 1;
    }

    public int headSize() {
        return channels / heads;
    }

    /** First transcript index of subquestion {@code slot}. */
    public int subquestionStart(int slot) {
        return qLen + slot * (qLen + aLen);
    }

    /** First transcript index of subanswer {@code slot}. */
    public int subanswerStart(int slot) {
        return subquestionStart(slot) + qLen;
    }

    /** First transcript index of the main answer. */
    public int answerStart() {
        return transcriptLength() - aLen;
    }

    /** The role of transcript token {@code i} (0 ≤ i < T). */
    public TokenType typeOf(int i) {
        if (i < 0 || i >= transcriptLength()) {
            throw new IndexOutOfBoundsException("transcript index " + i + " outside [0, " + transcriptLength() + ")");
        }
        if (i < qLen) {
            return TokenType.MAIN_QUESTION;
        }
        if (i >= answerStart()) {
            return TokenType.MAIN_ANSWER;
        }
        return (i - qLen) % (qLen + aLen) < qLen ? TokenType.SUBQUESTION : TokenType.SUBANSWER;
    }

    /**
     * Parameter names and shapes, PyTorch's (out, in) convention for linear weights. The BatchNorm has a learned
     * shift only (the reference's), so its scale is a constant, not a parameter.
     */
    public TensorLayout parameterLayout() {
        int c = channels;
        int v = vocab;
        TensorLayout.Builder b = TensorLayout.builder()
                .add("wte", v, c).add("wtype", TokenType.values().length, c).add("wpe", positions(), c);
        for (int l = 0; l < layers; l++) {
            String h = "h." + l + ".";
            b.add(h + "attn.qkv.weight", 3 * c, c).add(h + "attn.qkv.bias", 3 * c)
                    .add(h + "attn.proj.weight", c, c).add(h + "attn.proj.bias", c)
                    .add(h + "ln1.weight", c).add(h + "ln1.bias", c)
                    .add(h + "mlp.fc.weight", 4 * c, c).add(h + "mlp.fc.bias", 4 * c)
                    .add(h + "mlp.proj.weight", c, 4 * c)
                    // post-LN: BatchNorm's shift replaces the projection's bias (which it would cancel)
                    .add(h + (postLn ? "bn.bias" : "mlp.proj.bias"), c)
                    .add(h + "ln2.weight", c).add(h + "ln2.bias", c);
        }
        if (!postLn) {
            b.add("lnf.weight", c).add("lnf.bias", c);
        }
        int g = gateHidden();
        return b.add("copy.q.weight", v, c).add("copy.q.bias", v)
                .add("copy.k.weight", v, c).add("copy.k.bias", v)
                .add("gen.fc.weight", c, c).add("gen.fc.bias", c)
                .add("gen.out.weight", v, c).add("gen.out.bias", v)
                .add("gate.fc.weight", g, c).add("gate.fc.bias", g)
                .add("gate.out.weight", 2, g).add("gate.out.bias", 2)
                .build();
    }

    /**
     * Non-trained state: the BatchNorm running statistics and the count of training batches they have seen (which
     * sets their averaging rate; see {@link Asker}); empty for pre-LN.
     */
    public TensorLayout bufferLayout() {
        TensorLayout.Builder b = TensorLayout.builder();
        if (postLn) {
            b.add("bn.updates", 1);
            for (int l = 0; l < layers; l++) {
                b.add("h." + l + ".bn.running_mean", channels).add("h." + l + ".bn.running_var", channels);
            }
        }
        return b.build();
    }
}
