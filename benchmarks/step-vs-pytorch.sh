#!/usr/bin/env bash
# The tiny-gpt training step: ida4j (`./ida4j bench step`) against PyTorch 1.13 in its best-tuned configuration
# (benchmarks/pytorch/run-peer.sh), alternated round by round in the same run so that the shared machine's load
# hits both alike. Prints each run's JSON line, then the medians and the ratio of tokens/s.
#
#   benchmarks/step-vs-pytorch.sh [ROUNDS]     # default 5 rounds; THREADS (default 2), STEPS (default 30)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-5}
threads=${THREADS:-2}
steps=${STEPS:-30}
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT

./ida4j --version >/dev/null 2>&1 # builds the runnable jar first if needed
for ((r = 1; r <= rounds; r++)); do
  load=$(cut -d' ' -f1 /proc/loadavg)
  ours=$(./ida4j bench step --preset tiny-gpt --threads "$threads" --steps "$steps" --json 2>/dev/null)
  echo "ida4j load=$load $ours" | tee -a "$runs"
  load=$(cut -d' ' -f1 /proc/loadavg)
  peer=$(benchmarks/pytorch/run-peer.sh --steps "$steps")
  echo "pytorch load=$load $peer" | tee -a "$runs"
done

/usr/bin/python3 - "$runs" <<'PY'
import json, statistics, sys
by = {}
for line in open(sys.argv[1]):
    label, load, js = line.split(" ", 2)
    by.setdefault(label, []).append(json.loads(js))
med = {k: statistics.median(j["tokens_per_s"] for j in v) for k, v in by.items()}
for k, v in by.items():
    print(f"{k:8s} median {statistics.median(j['ms_per_step'] for j in v):7.1f} ms/step, {med[k]:8.0f} tokens/s"
          f"  (runs: {sorted(round(j['ms_per_step'], 1) for j in v)})")
print(f"ida4j / pytorch tokens/s: {med['ida4j'] / med['pytorch']:.2f}x")
PY
