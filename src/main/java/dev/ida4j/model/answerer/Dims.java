package dev.ida4j.model.answerer;

/** The sizes of one batch: b contexts, f facts per context, q questions per context. */
record Dims(int b, int f, int q) {

    /** Fact rows, b·f. */
    int nf() {
        return b * f;
    }

    /** Question rows, b·q. */
    int nq() {
        return b * q;
    }
}
