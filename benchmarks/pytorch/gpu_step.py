"""The PyTorch peer of `ida4j bench step --device cuda`: the same model (tiny_gpt.TinyGpt, ida4j's GPT twin), the
same shapes, AdamW with fp32 master weights, on the same card, in eager mode. Prints one JSON line like ida4j's.
(ida4j pads gpt2-small's vocabulary of 50,257 to 50,304 inside its model, masking the padding, as llm.c does; this
twin keeps PyTorch's usual unpadded one. Both compute the same loss and gradients.)

    python3 gpu_step.py --preset tiny-gpt      # V 256, T 64, C 256, L 4, NH 4, B 32
    python3 gpu_step.py --preset gpt2-small    # V 50257, T 1024, C 768, L 12, NH 12, B 8

--precision: fp32 (exact products), tf32 (the default: TF32 products, fp32 elsewhere, as ida4j's default) or bf16
(autocast to bfloat16 around the forward pass and the loss: PyTorch's usual BF16 mixed precision; ida4j's bf16
rounds only the products' inputs and keeps activations in fp32, which PyTorch on CUDA has no switch for).

Run by the GPU bundle's run.sh when `import torch` works and sees a GPU.
"""
import argparse
import json
import statistics
import sys
import time

import torch

from tiny_gpt import TinyGpt, adamw, loss_of

PRESETS = {
    "tiny-gpt": dict(V=256, T=64, B=32, C=256, L=4, NH=4),
    "gpt2-small": dict(V=50257, T=1024, B=8, C=768, L=12, NH=12),
}


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", choices=sorted(PRESETS), default="tiny-gpt")
    p.add_argument("--warmup", type=int, default=5)
    p.add_argument("--steps", type=int, default=20)
    p.add_argument("--precision", choices=["fp32", "tf32", "bf16"], default="tf32")
    a = p.parse_args(argv)
    cfg = PRESETS[a.preset]
    tf32 = a.precision != "fp32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    bf16 = a.precision == "bf16"
    device = torch.device("cuda")
    torch.manual_seed(0)
    model = TinyGpt(**cfg).to(device)
    opt = adamw(model, lr=3e-4)
    batch = torch.randint(0, cfg["V"], (cfg["B"], cfg["T"] + 1), device=device)
    times = []
    loss = None
    for step in range(a.warmup + a.steps):
        torch.cuda.synchronize()
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=True)
        with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
            loss = loss_of(model(batch[:, :-1]), batch[:, 1:])
        loss.backward()
        opt.step()
        torch.cuda.synchronize()
        if step >= a.warmup:
            times.append(time.perf_counter() - t0)
    ms = statistics.median(times) * 1e3
    print(json.dumps({"bench": "step", "impl": "pytorch", "torch": torch.__version__, "device": "cuda",
                      "gpu": torch.cuda.get_device_name(0), "preset": a.preset, "precision": a.precision,
                      "batch": cfg["B"], "seq": cfg["T"], "steps": a.steps,
                      "params": sum(p.numel() for p in model.parameters()),
                      "ms_per_step": round(ms, 3), "ms_min": round(min(times) * 1e3, 3),
                      "tokens_per_s": round(cfg["B"] * cfg["T"] / (ms / 1e3), 1), "loss": loss.item()}))


if __name__ == "__main__":
    main(sys.argv[1:])
