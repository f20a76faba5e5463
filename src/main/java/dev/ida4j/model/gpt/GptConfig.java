package dev.ida4j.model.gpt;

import dev.ida4j.tensor.TensorLayout;

/**
 * Size of a pre-LayerNorm GPT decoder: vocabulary V, context T (rows of the position table), channels C, layers L,
 * heads NH. Weights are tied: the output projection is wteᵀ. The token table and the logits have
 * {@link #paddedVocab()} rows and columns; the model computes exactly what the unpadded one does.
 */
public record GptConfig(int vocab, int maxT, int channels, int layers, int heads) {
    /** {@link #paddedVocab()} is a multiple of this. */
    private static final int VOCAB_PAD = 128;

    public GptConfig {
        if (vocab < 1 || maxT < 1 || channels < 1 || layers < 1 || heads < 1) {
            throw new IllegalArgumentException("GPT sizes must be positive: " + this);
        }
        if (channels % heads != 0) {
            throw new IllegalArgumentException("channels " + channels + " must be a multiple of heads " + heads);
        }
    }

    /** The tiny-gpt benchmark workload: V 256, T 64, C 256, L 4, NH 4 (3.24 M parameters). */
    public static GptConfig tinyGpt() {
        return new GptConfig(256, 64, 256, 4, 4);
    }

    /** GPT-2 small's shape, the GPU benchmark workload: V 50257, T 1024, C 768, L 12, NH 12 (124 M parameters). */
    public static GptConfig gpt2Small() {
        return new GptConfig(50257, 1024, 768, 12, 12);
    }

    /**
     * V rounded up to a multiple of 128, as llm.c pads it: the rows of wte and the columns of the logits. The padding
     * columns' logits are masked to -1e30 (probability 0, gradient 0), so the loss and the real rows' gradients are
     * the unpadded model's. The reason is speed: GPT-2's odd V of 50,257 put cuBLAS on kernels 2.3-5x slower than
     * V = 50,304 for the vocabulary's products on an H200 (benchmarks/RESULTS.md).
     */
    public int paddedVocab() {
        return (vocab + VOCAB_PAD - 1) / VOCAB_PAD * VOCAB_PAD;
    }

    public int headSize() {
        return channels / heads;
    }

    /** Parameter names and shapes; PyTorch's (out, in) convention for linear weights. */
    public TensorLayout parameterLayout() {
        int c = channels;
        TensorLayout.Builder b = TensorLayout.builder()
                .add("wte", paddedVocab(), c)
                .add("wpe", maxT, c);
        for (int l = 0; l < layers; l++) {
            String h = "h." + l + ".";
            b.add(h + "ln1.weight", c).add(h + "ln1.bias", c)
                    .add(h + "attn.qkv.weight", 3 * c, c).add(h + "attn.qkv.bias", 3 * c)
                    .add(h + "attn.proj.weight", c, c).add(h + "attn.proj.bias", c)
                    .add(h + "ln2.weight", c).add(h + "ln2.bias", c)
                    .add(h + "mlp.fc.weight", 4 * c, c).add(h + "mlp.fc.bias", 4 * c)
                    .add(h + "mlp.proj.weight", c, 4 * c).add(h + "mlp.proj.bias", c);
        }
        return b.add("lnf.weight", c).add("lnf.bias", c).build();
    }

    /** Parameters of the model, without the token table's padding rows. */
    public long parameters() {
        return parameterLayout().tensorElements() - (long) (paddedVocab() - vocab) * channels;
    }

    /** Model FLOPs per trained token, llm.c's convention: 6·params + 6·L·T·C (attention), for T = maxT. */
    public double flopsPerToken() {
        return 6.0 * parameters() + 6.0 * layers * maxT * channels;
    }
}
