"""The PyTorch peer of `ida4j bench step --device cuda`: the same model (tiny_gpt.TinyGpt, ida4j's GPT twin), the
same shapes and the same precision (fp32 parameters and activations, TF32 matrix products, as ida4j's CUDA backend
uses), AdamW, on the same card, in eager mode. Prints one JSON line like ida4j's.

    python3 gpu_step.py --preset tiny-gpt      # V 256, T 64, C 256, L 4, NH 4, B 32
    python3 gpu_step.py --preset gpt2-small    # V 50257, T 1024, C 768, L 12, NH 12, B 8

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
    p.add_argument("--no-tf32", action="store_true", help="exact fp32 matrix products")
    a = p.parse_args(argv)
    cfg = PRESETS[a.preset]
    torch.backends.cuda.matmul.allow_tf32 = not a.no_tf32
    torch.backends.cudnn.allow_tf32 = not a.no_tf32
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
        loss = loss_of(model(batch[:, :-1]), batch[:, 1:])
        loss.backward()
        opt.step()
        torch.cuda.synchronize()
        if step >= a.warmup:
            times.append(time.perf_counter() - t0)
    ms = statistics.median(times) * 1e3
    print(json.dumps({"bench": "step", "impl": "pytorch", "torch": torch.__version__, "device": "cuda",
                      "gpu": torch.cuda.get_device_name(0), "preset": a.preset, "tf32": not a.no_tf32,
                      "batch": cfg["B"], "seq": cfg["T"], "steps": a.steps,
                      "params": sum(p.numel() for p in model.parameters()),
                      "ms_per_step": round(ms, 3), "ms_min": round(min(times) * 1e3, 3),
                      "tokens_per_s": round(cfg["B"] * cfg["T"] / (ms / 1e3), 1), "loss": float(loss)}))


if __name__ == "__main__":
    main(sys.argv[1:])
