#!/usr/bin/env bash
# The tiny-gpt training step: ida4j (`./ida4j bench step --paired`) against PyTorch 1.13 in its best-tuned
# configuration (benchmarks/pytorch/run-peer.sh --paired). Both processes start, warm up (one after the other), then
# take turns: ROUNDS rounds of STEPS steps each, the first to go alternating, so that the load of this shared machine
# (which drifts over tens of seconds) falls on both alike. Prints every round, then the medians over all steps and
# the ratio of tokens/s, with the spread of the per-round ratios.
#
#   benchmarks/step-vs-pytorch.sh [ROUNDS]     # default 20 rounds; THREADS (default 2), STEPS (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-20}
threads=${THREADS:-2}
steps=${STEPS:-5}

./ida4j --version >/dev/null 2>&1 # builds the runnable jar first if needed
exec /usr/bin/python3 - "$rounds" "$threads" "$steps" <<'PY'
import json, statistics, subprocess, sys

rounds, threads, steps = (int(a) for a in sys.argv[1:4])
tokens = 32 * 64  # tiny-gpt: B 32, T 64


def start(cmd):
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline().strip()
    if line != "ready":
        sys.exit(f"{cmd[0]} did not start: {line!r}")
    return p


def round_of(p, n):
    p.stdin.write(f"{n}\n")
    p.stdin.flush()
    return json.loads(p.stdout.readline())


peers = {"ida4j": start(["./ida4j", "bench", "step", "--preset", "tiny-gpt", "--threads", str(threads), "--paired"]),
         "pytorch": start(["benchmarks/pytorch/run-peer.sh", "--paired"])}
times = {k: [] for k in peers}
ratios = []
for r in range(rounds):
    order = list(peers) if r % 2 == 0 else list(reversed(peers))
    med = {}
    for k in order:
        js = round_of(peers[k], steps)
        times[k] += js["ms"]
        med[k] = js["ms_per_step"]
    ratios.append(med["pytorch"] / med["ida4j"])
    load = open("/proc/loadavg").read().split()[0]
    print(f"round {r + 1:2d} load {load}: ida4j {med['ida4j']:6.1f} ms, pytorch {med['pytorch']:6.1f} ms,"
          f" ratio {ratios[-1]:.2f}", flush=True)
for p in peers.values():
    p.stdin.close()
    p.wait()
med = {k: statistics.median(v) for k, v in times.items()}
for k, v in times.items():
    print(f"{k:8s} median {med[k]:7.1f} ms/step, {tokens / med[k] * 1e3:8.0f} tokens/s over {len(v)} steps"
          f" (min {min(v):.1f}, max {max(v):.1f})")
ratios.sort()
print(f"ida4j / pytorch tokens/s: {med['pytorch'] / med['ida4j']:.2f}x (per-round ratios: median"
      f" {statistics.median(ratios):.2f}, range {ratios[0]:.2f}-{ratios[-1]:.2f})")
PY
