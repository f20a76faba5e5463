package dev.ida4j.backend;

/** Pointwise nonlinearities of {@link Backend#activationForward}. */
public enum Activation {
    /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), as in GPT-2 and PyTorch's approximate="tanh". */
    GELU,
    /** max(x, 0); the gradient at exactly 0 is 0. */
    RELU
}
