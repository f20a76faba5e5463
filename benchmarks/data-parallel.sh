#!/usr/bin/env bash
# Data-parallel training on one machine, side by side: the same run (the same X steps of the same global batch) as
#   one    one process, generation in the training thread (--generation-workers 0)
#   ranks  N processes under mpirun (one thread each): each generates its shard and trains on its slice
#   workers one process with W generation workers beside the trainer
# alternated ROUNDS times. For each run: X steps per second and fresh amplified targets per second over the training
# loop (the log's elapsed_s at the last record; JVM start-up left out), then the medians and the efficiency of the
# ranks, (ranks' steps/s) / (N · one's steps/s).
#
#   benchmarks/data-parallel.sh            # union-find at size 8, 300 steps of 16 contexts, N 2, W 1, 3 rounds
#
# TASK, SIZE, STEPS, BATCH, RANKS, WORKERS, ROUNDS, MODE (amplification), OUT (default runs/data-parallel-<time>).
# Needs Open MPI's mpirun. The ranks and the workers need as many cores as they use: on a busy machine the figures
# say more about the other jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
task=${TASK:-union-find}
size=${SIZE:-8}
steps=${STEPS:-300}
batch=${BATCH:-16}
ranks=${RANKS:-2}
workers=${WORKERS:-1}
rounds=${ROUNDS:-3}
mode=${MODE:-amplification}
out=${OUT:-runs/data-parallel-$(date -u +%Y%m%dT%H%M%SZ)}
command -v mpirun >/dev/null || { echo "data-parallel: no mpirun (Debian: openmpi-bin libopenmpi-dev)" >&2; exit 1; }
./ida4j --version >/dev/null 2>&1 # builds the runnable jar first if needed
mkdir -p "$out"
flags=(--task "$task" --mode "$mode" --size "$size" --steps "$steps" --batch "$batch" --threads 1)
echo "runs in $out: $task size $size, $mode, $steps X steps of $batch contexts; $ranks ranks, $workers workers"

for r in $(seq 1 "$rounds"); do
  ./ida4j train "${flags[@]}" --generation-workers 0 --out "$out/one-$r" >"$out/one-$r.log" 2>&1
  mpirun --allow-run-as-root --oversubscribe -np "$ranks" ./ida4j train "${flags[@]}" --out "$out/ranks-$r" \
    >"$out/ranks-$r.log" 2>&1
  ./ida4j train "${flags[@]}" --generation-workers "$workers" --out "$out/workers-$r" >"$out/workers-$r.log" 2>&1
done

/usr/bin/python3 - "$out" "$rounds" "$ranks" <<'PY'
import json, statistics, sys

out, rounds, ranks = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])

def figures(run):
    recs = [json.loads(l) for l in open(f"{out}/{run}/metrics.jsonl")]
    steps = [r for r in recs if "loss_x" in r]
    elapsed = steps[-1]["elapsed_s"]
    targets = sum(r["targets_generated"] for r in steps)
    return steps[-1]["step"] / elapsed, targets / elapsed

med = {}
print("| run | X steps/s (each round) | fresh targets/s (each round) |")
print("|---|---|---|")
for kind in ("one", "ranks", "workers"):
    xs = [figures(f"{kind}-{r}") for r in range(1, rounds + 1)]
    med[kind] = (statistics.median(x[0] for x in xs), statistics.median(x[1] for x in xs))
    print(f"| {kind} | **{med[kind][0]:.2f}** ({' / '.join(f'{x[0]:.2f}' for x in xs)}) | "
          f"**{med[kind][1]:.0f}** ({' / '.join(f'{x[1]:.0f}' for x in xs)}) |")
print(f"ranks / one: {med['ranks'][0] / med['one'][0]:.2f}x steps/s (efficiency "
      f"{med['ranks'][0] / med['one'][0] / ranks:.2f}), {med['ranks'][1] / med['one'][1]:.2f}x targets/s; "
      f"workers / one: {med['workers'][0] / med['one'][0]:.2f}x steps/s, {med['workers'][1] / med['one'][1]:.2f}x"
      " targets/s")
PY
