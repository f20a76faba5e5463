package dev.ida4j.model.asker;

import dev.ida4j.tensor.Tensor;
import dev.ida4j.tensor.TensorArena;
import dev.ida4j.tensor.TensorLayout;
import dev.ida4j.tensor.TensorSet;

/**
 * Buffers every cell borrows in turn (cells run one after another): activation gradients for the backward pass,
 * (R, ·) with R = N·S rows, and single-position activations for incremental decoding, (N, ·). Also the shared
 * BatchNorm scale (ones: the reference BatchNorm learns a shift only).
 */
final class Scratch {
    final Tensor g1;   // (R, C)
    final Tensor g2;   // (R, C)
    final Tensor g3;   // (R, C)
    final Tensor g4;   // (R, C)
    final Tensor gb1;  // (R, 4C)
    final Tensor gb2;  // (R, 4C)
    final Tensor dq;   // (R, C)
    final Tensor dk;   // (R, C)
    final Tensor dv;   // (R, C)
    final Tensor dqkv; // dq, dk, dv back to back, (3, R, C): zeroed with one fill
    final Tensor ones; // (C) the BatchNorm scale
    final Step step;

    /** One position's activations, (N, ·). */
    record Step(Tensor q, Tensor k, Tensor v, Tensor att, Tensor atty, Tensor proj, Tensor res1, Tensor ln1,
                Tensor mean, Tensor rstd, Tensor fc, Tensor act, Tensor mlp, Tensor bn, Tensor bnMean, Tensor bnRstd,
                Tensor res2) {
    }

    Scratch(TensorArena arena, AskerConfig cfg, int capacity) {
        int c = cfg.channels();
        int s = cfg.positions();
        int r = capacity * s;
        int n = capacity;
        TensorSet g = arena.allocate("asker.scratch", TensorLayout.builder()
                .add("g1", r, c).add("g2", r, c).add("g3", r, c).add("g4", r, c)
                .add("gb1", r, 4 * c).add("gb2", r, 4 * c).add("dqkv", 3, r, c).add("ones", c)
                .add("q", n, c).add("k", n, c).add("v", n, c).add("att", n, cfg.heads(), 1, s)
                .add("atty", n, c).add("proj", n, c).add("res1", n, c).add("ln1", n, c)
                .add("mean", n).add("rstd", n).add("fc", n, 4 * c).add("act", n, 4 * c).add("mlp", n, c)
                .add("bn", n, c).add("bnMean", c).add("bnRstd", c).add("res2", n, c)
                .build());
        g1 = g.get("g1");
        g2 = g.get("g2");
        g3 = g.get("g3");
        g4 = g.get("g4");
        gb1 = g.get("gb1");
        gb2 = g.get("gb2");
        dqkv = g.get("dqkv");
        long rc = (long) r * c;
        dq = dqkv.view("dq", 0, r, c);
        dk = dqkv.view("dk", rc, r, c);
        dv = dqkv.view("dv", 2 * rc, r, c);
        ones = g.get("ones");
        step = new Step(g.get("q"), g.get("k"), g.get("v"), g.get("att"), g.get("atty"), g.get("proj"),
                g.get("res1"), g.get("ln1"), g.get("mean"), g.get("rstd"), g.get("fc"), g.get("act"), g.get("mlp"),
                g.get("bn"), g.get("bnMean"), g.get("bnRstd"), g.get("res2"));
    }
}
