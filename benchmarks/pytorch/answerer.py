"""Model X (the answerer) in PyTorch: the twin of ida4j's dev.ida4j.model.answerer.Answerer.

  fixture OUT   writes a small reference case (weights, batch, per-position log-probabilities, loss, every parameter
                gradient, BatchNorm running statistics after the forward) as a safetensors file the Java test
                AnswererPyTorchTwinTest compares against.

Written functionally over a dict of tensors named exactly as the Java parameter layout (AnswererConfig.parameterLayout),
Linear weights (out, in). Post-LN cells with BatchNorm (unit scale, learned shift, batch statistics in training,
momentum 1/300, eps 1e-5) in the MLP branch and after each input embedding; dropout 0; fp32.

Run with Debian's torch: /usr/bin/python3 answerer.py fixture OUT (safetensors is written by hand: no PyPI here).
"""
import argparse
import json
import math
import struct
import sys

import torch
import torch.nn.functional as F

SMALL = dict(V=11, W=4, Lq=8, La=2, C=16, NH=2, FL=2, QL=2, E=6, M=4, B=3, F=5, Q=4)
FIXTURE_SEED = 2718
BN_MOMENTUM = 1.0 / 300
BN_EPS = 1e-5
FLOOR = 1e-30


def layout(cfg):
    """(name, shape) in the Java layout's order."""
    V, W, Lq, La, C, E = cfg["V"], cfg["W"], cfg["Lq"], cfg["La"], cfg["C"], cfg["E"]
    H = cfg["M"] * C
    out = []

    def embedding(name, length):
        out.extend([(name + ".wte", (V, E)), (name + ".proj.weight", (C, length * E)), (name + ".bn.bias", (C,))])

    def cell(p):
        for x in ("q", "k", "v", "proj"):
            out.extend([(p + "attn." + x + ".weight", (C, C)), (p + "attn." + x + ".bias", (C,))])
        out.extend([(p + "ln1.weight", (C,)), (p + "ln1.bias", (C,)), (p + "mlp.fc.weight", (H, C)),
                    (p + "mlp.fc.bias", (H,)), (p + "mlp.proj.weight", (C, H)), (p + "mlp.bn.bias", (C,)),
                    (p + "ln2.weight", (C,)), (p + "ln2.bias", (C,))])

    embedding("fact", W)
    for l in range(cfg["FL"]):
        cell("fact.%d." % l)
    embedding("question", Lq)
    for l in range(cfg["QL"]):
        cell("question.%d." % l)
    if La > 1:
        out.append(("answer.wte", (V, E)))
    KV = W * V
    for i in range(La):
        a = "answer.%d." % i
        if i > 0:
            out.extend([(a + "prev.weight", (C, i * E)), (a + "prev.bias", (C,))])
        out.extend([(a + "copy.q.weight", (KV, C)), (a + "copy.q.bias", (KV,)),
                    (a + "copy.k.weight", (KV, C)), (a + "copy.k.bias", (KV,)),
                    (a + "gen.fc.weight", (H, C)), (a + "gen.fc.bias", (H,)),
                    (a + "gen.proj.weight", (V, H)), (a + "gen.proj.bias", (V,)),
                    (a + "mix.fc.weight", (H, C)), (a + "mix.fc.bias", (H,)),
                    (a + "mix.proj.weight", (W + 1, H)), (a + "mix.proj.bias", (W + 1,))])
    return out


def buffer_names(cfg):
    names = ["fact.bn"] + ["fact.%d.mlp.bn" % l for l in range(cfg["FL"])]
    names += ["question.bn"] + ["question.%d.mlp.bn" % l for l in range(cfg["QL"])]
    return names


def init(cfg):
    """Java's initialisation, with non-zero biases and non-unit LayerNorm scales so that every path carries signal."""
    params = {}
    for name, shape in layout(cfg):
        if name.endswith(".wte"):
            t = torch.randn(shape)
        elif name.endswith("ln1.weight") or name.endswith("ln2.weight"):
            t = 1 + 0.1 * torch.randn(shape)
        elif name.endswith(".bias"):
            t = 0.1 * torch.randn(shape)
        else:
            t = torch.randn(shape) / math.sqrt(shape[-1])
        params[name] = t.requires_grad_()
    buffers = {}
    for n in buffer_names(cfg):
        buffers[n + ".running_mean"] = torch.zeros(cfg["C"])
        buffers[n + ".running_var"] = torch.ones(cfg["C"])
    return params, buffers


def batch_norm(x, p, buffers, name, shift):  # x (N, C); unit scale, learned shift, batch statistics
    return F.batch_norm(x, buffers[name + ".running_mean"], buffers[name + ".running_var"],
                        weight=torch.ones(x.shape[1]), bias=p[shift], training=True, momentum=BN_MOMENTUM, eps=BN_EPS)


def attention(q, k, v, key_mask, nh):  # q (B, Tq, C), k v (B, Tk, C), key_mask (B, Tk)
    B, Tq, C = q.shape
    Tk = k.shape[1]
    hs = C // nh
    q = q.view(B, Tq, nh, hs).transpose(1, 2)  # (B, NH, Tq, HS)
    k = k.view(B, Tk, nh, hs).transpose(1, 2)
    v = v.view(B, Tk, nh, hs).transpose(1, 2)
    att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)  # (B, NH, Tq, Tk)
    att = att.masked_fill(key_mask[:, None, None, :] == 0, float("-inf")).softmax(dim=-1)
    return (att @ v).transpose(1, 2).reshape(B, Tq, C)


def embed(p, buffers, name, ids, E):  # ids (rows, L) -> (rows, C)
    emb = p[name + ".wte"][ids].reshape(ids.shape[0], -1)  # (rows, L·E): the tokens' embeddings side by side
    return batch_norm(emb @ p[name + ".proj.weight"].t(), p, buffers, name + ".bn", name + ".bn.bias")


def linear(p, name, x):
    return x @ p[name + ".weight"].t() + p[name + ".bias"]


def cell(p, buffers, c, x, ctx, key_mask, B, T, nh):  # post-LN; x (B·T, C), ctx (B·F, C) or None (self-attention)
    C = x.shape[1]
    kv = x if ctx is None else ctx
    q = linear(p, c + "attn.q", x).view(B, T, C)
    k = linear(p, c + "attn.k", kv).view(B, -1, C)
    v = linear(p, c + "attn.v", kv).view(B, -1, C)
    a = attention(q, k, v, key_mask, nh).reshape(B * T, C)
    y = F.layer_norm(x + linear(p, c + "attn.proj", a), (C,), p[c + "ln1.weight"], p[c + "ln1.bias"], 1e-5)
    m = F.relu(linear(p, c + "mlp.fc", y)) @ p[c + "mlp.proj.weight"].t()
    m = batch_norm(m, p, buffers, c + "mlp.bn", c + "mlp.bn.bias")
    return F.layer_norm(y + m, (C,), p[c + "ln2.weight"], p[c + "ln2.bias"], 1e-5)


def forward(cfg, p, buffers, facts, questions, answers, mask):
    """facts (B, F, W), questions (B, Q, Lq), answers (B, Q, La) int64; mask (B, Q). Returns loss and logp list."""
    B, F_, Q = cfg["B"], cfg["F"], cfg["Q"]
    V, W, La, E, NH = cfg["V"], cfg["W"], cfg["La"], cfg["E"], cfg["NH"]
    fact_mask = (facts != 0).any(dim=2).float()  # (B, F): a fact of all-zero tokens is blank
    x = embed(p, buffers, "fact", facts.reshape(B * F_, W), E)  # (B·F, C)
    for l in range(cfg["FL"]):
        x = cell(p, buffers, "fact.%d." % l, x, None, fact_mask, B, F_, NH)
    facts_state = x
    qv = embed(p, buffers, "question", questions.reshape(B * Q, -1), E)  # (B·Q, C)
    for l in range(cfg["QL"]):
        qv = cell(p, buffers, "question.%d." % l, qv, facts_state, fact_mask, B, Q, NH)
    onehot = F.one_hot(facts, V).float().reshape(B, F_, W * V)  # (B, F, K·V): copy head k's values
    flat_answers = answers.reshape(B * Q, La)
    flat_mask = mask.reshape(B * Q)
    loss = 0
    logps = []
    for i in range(La):
        a = "answer.%d." % i
        dec = qv
        if i > 0:
            prev = p["answer.wte"][flat_answers[:, :i]].reshape(B * Q, i * E)
            dec = qv + linear(p, a + "prev", prev)
        cq = linear(p, a + "copy.q", dec).view(B, Q, W * V)
        ck = linear(p, a + "copy.k", facts_state).view(B, F_, W * V)
        dists = attention(cq, ck, onehot, fact_mask, W).reshape(B * Q, W, V)  # K heads of size V
        gen = linear(p, a + "gen.proj", F.relu(linear(p, a + "gen.fc", dec))).softmax(dim=-1)  # (B·Q, V)
        mix = linear(p, a + "mix.proj", F.relu(linear(p, a + "mix.fc", dec))).softmax(dim=-1)  # (B·Q, K+1)
        prob = (mix[:, :W, None] * dists).sum(dim=1) + mix[:, W:] * gen  # (B·Q, V)
        logp = prob.clamp_min(FLOOR).log()
        logps.append(logp)
        losses = F.cross_entropy(logp, flat_answers[:, i], reduction="none")  # logp as logits, as the Java model
        loss = loss + (losses * flat_mask).sum()
    return loss / flat_mask.sum(), logps


def write_safetensors(path, tensors, metadata):
    """tensors: name -> contiguous float32/int32 tensor, written in the given order, offsets contiguous from 0."""
    dtypes = {torch.float32: "F32", torch.int32: "I32"}
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.detach().contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()  # little-endian
        header[name] = {"dtype": dtypes[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-(8 + len(text)) % 8)  # pad with spaces so the data starts 8-aligned in the file
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for data in blobs:
            f.write(data)


def fixture(out):
    cfg = SMALL
    torch.manual_seed(FIXTURE_SEED)
    params, buffers = init(cfg)
    B, F_, Q = cfg["B"], cfg["F"], cfg["Q"]
    facts = torch.randint(1, cfg["V"], (B, F_, cfg["W"]))
    facts[:, -1, :] = 0  # the last fact of every context is blank
    facts[0, 1, 0] = 0  # a zero token inside a non-blank fact
    questions = torch.randint(0, cfg["V"], (B, Q, cfg["Lq"]))
    answers = torch.randint(0, cfg["V"], (B, Q, cfg["La"]))
    mask = torch.ones(B, Q)
    mask[1, 2] = 0  # padding question
    mask[2, 0] = 0.5
    tensors = {"facts": facts.to(torch.int32), "questions": questions.to(torch.int32),
               "answers": answers.to(torch.int32), "mask": mask}
    tensors.update({"param." + n: t.detach().clone() for n, t in params.items()})
    loss, logps = forward(cfg, params, buffers, facts, questions, answers, mask)
    loss.backward()
    for i, lp in enumerate(logps):
        tensors["logp.%d" % i] = lp.detach().clone()
    tensors["loss"] = loss.detach().reshape(1).clone()
    tensors.update({"grad." + n: t.grad.clone() for n, t in params.items()})
    tensors.update({"buffer." + n: t.clone() for n, t in buffers.items()})
    metadata = {k: str(v) for k, v in cfg.items()}
    metadata.update(seed=str(FIXTURE_SEED), torch=torch.__version__, format="pt")
    write_safetensors(out, tensors, metadata)
    print("wrote %s: %d tensors, %d parameters, loss %.6f" % (out, len(tensors),
                                                              sum(t.numel() for t in params.values()), loss.item()))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("fixture")
    f.add_argument("out")
    a = p.parse_args(argv)
    fixture(a.out)


if __name__ == "__main__":
    main(sys.argv[1:])
