package dev.ida4j.backend.cuda;

/**
 * Every kernel the backend launches: its file in {@code native/} (shipped as {@code /native/FILE.fatbin} in the
 * jar) and its {@code extern "C"} name, as declared in {@code native/kernels.h}.
 */
enum Kernel {
    FILL("pointwise", "fill"),
    RESIDUAL_FORWARD("pointwise", "residual_forward"),
    RESIDUAL_BACKWARD("pointwise", "residual_backward"),
    ACTIVATION_FORWARD("pointwise", "activation_forward"),
    ACTIVATION_BACKWARD("pointwise", "activation_backward"),
    DROPOUT_FORWARD("pointwise", "dropout_forward"),
    DROPOUT_BACKWARD("pointwise", "dropout_backward"),
    BIAS_ADD("linear", "bias_add"),
    COLUMN_SUM_ACCUMULATE("linear", "column_sum_accumulate"),
    TO_BF16("linear", "to_bf16"),
    CHECK_INDICES("embedding", "check_indices"),
    EMBEDDING_FORWARD("embedding", "embedding_forward"),
    EMBEDDING_BACKWARD_TOKENS("embedding", "embedding_backward_tokens"),
    LAYERNORM_FORWARD("norms", "layernorm_forward"),
    LAYERNORM_BACKWARD_INPUT("norms", "layernorm_backward_input"),
    LAYERNORM_BACKWARD_PARAMS("norms", "layernorm_backward_params"),
    BATCHNORM_STATISTICS("norms", "batchnorm_statistics"),
    BATCHNORM_APPLY("norms", "batchnorm_apply"),
    BATCHNORM_BACKWARD("norms", "batchnorm_backward"),
    PERMUTE_HEADS("attention", "permute_heads"),
    UNPERMUTE_HEADS("attention", "unpermute_heads"),
    ATTENTION_SOFTMAX_FORWARD("attention", "attention_softmax_forward"),
    ATTENTION_SOFTMAX_BACKWARD("attention", "attention_softmax_backward"),
    CROSSENTROPY_FORWARD("crossentropy", "crossentropy_forward"),
    CROSSENTROPY_BACKWARD("crossentropy", "crossentropy_backward"),
    MIXTURE_FORWARD("mixture", "mixture_forward"),
    MIXTURE_BACKWARD("mixture", "mixture_backward"),
    ADAMW("optimizer", "adamw"),
    EMA("optimizer", "ema"),
    SUM_SQUARES_PARTIAL("optimizer", "sum_squares_partial"),
    SUM_PARTIALS("optimizer", "sum_partials");

    private final String file;
    private final String symbol;

    Kernel(String file, String symbol) {
        this.file = file;
        this.symbol = symbol;
    }

    /** The fatbin's name in the jar, without folder or extension. */
    String file() {
        return file;
    }

    /** The unmangled symbol cuModuleGetFunction looks up. */
    String symbol() {
        return symbol;
    }

    /** The jar resource holding this kernel. */
    String resource() {
        return "/native/" + file + ".fatbin";
    }
}
