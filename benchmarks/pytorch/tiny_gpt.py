"""tiny-gpt in PyTorch: the twin of ida4j's Java model, used two ways.

  fixture OUT [--vocab V]
                writes a small reference case (inputs, initial parameters, logits, loss, gradients and the losses
                of 10 AdamW steps) as a safetensors file the Java tests compare against.
  bench         times AdamW training steps of the full-size model on random data and prints one JSON line.

The model: pre-LayerNorm GPT decoder, learned position embeddings, causal multi-head attention written out by
hand, GELU (tanh approximation), MLP 4x, output projection tied to the token embedding, fp32. Parameter names and
shapes are exactly the Java model's (Linear weights are (out, in)).

Run with Debian's torch: /usr/bin/python3 tiny_gpt.py ... (safetensors is written by hand: no PyPI here).
"""
import argparse
import json
import math
import os
import statistics
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

FULL = dict(V=256, T=64, B=32, C=256, L=4, NH=4)
SMALL = dict(V=256, T=16, B=4, C=32, L=2, NH=4)
FIXTURE_SEED = 1337
FIXTURE_STEPS = 10


class Attention(nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.NH = NH
        self.qkv = nn.Linear(C, 3 * C)  # rows 0..C-1 q, C..2C-1 k, 2C..3C-1 v
        self.proj = nn.Linear(C, C)

    def forward(self, x):  # x (B, T, C)
        B, T, C = x.shape
        HS = C // self.NH
        q, k, v = self.qkv(x).split(C, dim=2)  # each (B, T, C); head h owns channels h*HS..(h+1)*HS-1
        q = q.view(B, T, self.NH, HS).transpose(1, 2)  # (B, NH, T, HS)
        k = k.view(B, T, self.NH, HS).transpose(1, 2)
        v = v.view(B, T, self.NH, HS).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(HS)  # (B, NH, T, T)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        att = att.masked_fill(~causal, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)  # (B, T, C)
        return self.proj(y)


class Mlp(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.fc = nn.Linear(C, 4 * C)
        self.proj = nn.Linear(4 * C, C)

    def forward(self, x):  # x (B, T, C)
        return self.proj(F.gelu(self.fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.ln1 = nn.LayerNorm(C, eps=1e-5)
        self.attn = Attention(C, NH)
        self.ln2 = nn.LayerNorm(C, eps=1e-5)
        self.mlp = Mlp(C)

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class TinyGpt(nn.Module):
    def __init__(self, V, T, C, L, NH, **_):
        super().__init__()
        self.wte = nn.Parameter(torch.empty(V, C))
        self.wpe = nn.Parameter(torch.empty(T, C))
        self.h = nn.ModuleList(Block(C, NH) for _ in range(L))
        self.lnf = nn.LayerNorm(C, eps=1e-5)
        self._init(L)

    def _init(self, L):
        # GPT-2: N(0, 0.02) everywhere, the two residual projections scaled down by sqrt(2L) so that the residual
        # stream's variance does not grow with depth; biases 0; LayerNorm 1/0 (nn.LayerNorm's own default).
        nn.init.normal_(self.wte, std=0.02)
        nn.init.normal_(self.wpe, std=0.02)
        for block in self.h:
            for lin in (block.attn.qkv, block.attn.proj, block.mlp.fc, block.mlp.proj):
                residual = lin is block.attn.proj or lin is block.mlp.proj
                nn.init.normal_(lin.weight, std=0.02 / math.sqrt(2 * L) if residual else 0.02)
                nn.init.zeros_(lin.bias)

    def forward(self, tokens):  # tokens (B, T) int
        T = tokens.shape[1]
        x = self.wte[tokens] + self.wpe[:T]  # (B, T, C)
        for block in self.h:
            x = block(x)
        return self.lnf(x) @ self.wte.t()  # (B, T, V): tied output embedding, no bias


def loss_of(logits, targets):
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))  # mean over B*T


def adamw(model, lr):
    return torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)


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


def fixture(out, vocab):
    cfg = dict(SMALL, V=vocab)
    torch.manual_seed(FIXTURE_SEED)
    model = TinyGpt(**cfg)
    batch = torch.randint(0, cfg["V"], (cfg["B"], cfg["T"] + 1))
    tokens, targets = batch[:, :-1], batch[:, 1:]
    tensors = {"tokens": tokens.to(torch.int32), "targets": targets.to(torch.int32)}
    tensors.update({"param." + n: p.detach().clone() for n, p in model.named_parameters()})

    opt = adamw(model, lr=1e-3)
    losses = []
    for step in range(FIXTURE_STEPS):
        opt.zero_grad(set_to_none=False)
        logits = model(tokens)
        loss = loss_of(logits, targets)
        loss.backward()
        if step == 0:  # the same forward/backward as losses[0], so loss == losses[0] bit for bit
            tensors["logits"] = logits.detach().clone()
            tensors["loss"] = loss.detach().reshape(1).clone()
            tensors.update({"grad." + n: p.grad.clone() for n, p in model.named_parameters()})
        losses.append(loss.item())
        opt.step()
    tensors["losses"] = torch.tensor(losses, dtype=torch.float32)

    metadata = {k: str(v) for k, v in cfg.items()}
    metadata.update(seed=str(FIXTURE_SEED), steps=str(FIXTURE_STEPS), lr="1e-3", betas="0.9,0.999", eps="1e-8",
                    weight_decay="0.1", torch=torch.__version__, format="pt")
    write_safetensors(out, tensors, metadata)
    print(f"wrote {out}: {len(tensors)} tensors, losses {losses[0]:.6f} -> {losses[-1]:.6f}")


def bench(threads, warmup, steps, set_to_none, paired):
    cfg = FULL
    if threads > 0:
        torch.set_num_threads(threads)
    torch.manual_seed(0)
    model = TinyGpt(**cfg)
    opt = adamw(model, lr=3e-4)

    def timed_step():  # seconds
        batch = torch.randint(0, cfg["V"], (cfg["B"], cfg["T"] + 1))
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=set_to_none)
        loss_of(model(batch[:, :-1]), batch[:, 1:]).backward()
        opt.step()
        return time.perf_counter() - t0

    for _ in range(warmup):
        timed_step()
    about = {"impl": "pytorch", "torch": torch.__version__, "threads": torch.get_num_threads(),
             "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS"), "set_to_none": set_to_none,
             "params": sum(p.numel() for p in model.parameters())}
    if paired:  # ida4j's `bench step --paired` protocol: "ready", then one round of N steps per input line
        print("ready", flush=True)
        for line in sys.stdin:
            ms = [timed_step() * 1e3 for _ in range(int(line))]
            print(json.dumps({**about, "steps": len(ms), "ms_per_step": round(statistics.median(ms), 3),
                              "ms": [round(t, 3) for t in ms]}), flush=True)
        return
    times = [timed_step() for _ in range(steps)]
    ms = statistics.median(times) * 1e3
    print(json.dumps({**about, "tokens_per_s": round(cfg["B"] * cfg["T"] / (ms / 1e3), 1), "ms_per_step": round(ms, 2),
                      "ms_min": round(min(times) * 1e3, 2)}))


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="mode", required=True)
    f = sub.add_parser("fixture")
    f.add_argument("out")
    f.add_argument("--vocab", type=int, default=SMALL["V"],
                   help="V (default 256); one that is not a multiple of 128 exercises ida4j's padded vocabulary")
    b = sub.add_parser("bench")
    b.add_argument("--threads", type=int, default=1, help="torch intra-op threads (0: torch's default)")
    b.add_argument("--warmup", type=int, default=5)
    b.add_argument("--steps", type=int, default=30)
    b.add_argument("--keep-grads", action="store_true", help="zero_grad(set_to_none=False): zero in place")
    b.add_argument("--paired", action="store_true",
                   help="after the warm-up print 'ready', then time N steps per number N read from stdin")
    a = p.parse_args(argv)
    if a.mode == "fixture":
        fixture(a.out, a.vocab)
    else:
        bench(a.threads, a.warmup, a.steps, set_to_none=not a.keep_grads, paired=a.paired)


if __name__ == "__main__":
    main(sys.argv[1:])
