#!/usr/bin/env bash
# The learning benchmark of the amplification loop: for each task, the issue's command in amplification mode
# (`./ida4j train --task T --size SIZE --minutes MINUTES`, as a user runs it: on a CPU with 2+ cores it generates on
# 2 worker threads), then the supervised baseline the same way, each run alone on the machine; then `./ida4j eval` of
# each run's EMA teacher on fresh questions at SIZE. Prints one Markdown table row per run, the form
# benchmarks/RESULTS.md records, and keeps every run directory, its log and its evaluation export.
#
#   benchmarks/learning.sh [TASK...]     # default: all five tasks (5 x 2 x 30 minutes)
#
# MINUTES (default 30), SIZE (16), CONTEXTS (contexts evaluated, 50), MODES ("amplification supervised"),
# TRAIN_FLAGS (extra flags for every train command, e.g. "--dropout 0"),
# OUT (default runs/learning-<UTC time>: <task>-<mode>/ run directories, <task>-<mode>.log).
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${MINUTES:-30}
size=${SIZE:-16}
contexts=${CONTEXTS:-50}
read -r -a modes <<<"${MODES:-amplification supervised}"
read -r -a flags <<<"${TRAIN_FLAGS:-}"
out=${OUT:-runs/learning-$(date -u +%Y%m%dT%H%M%SZ)}
tasks=("$@")
[[ ${#tasks[@]} -gt 0 ]] || tasks=(permutation-powering sequential-assignments wildcard-search shortest-path union-find)

./ida4j --version >/dev/null 2>&1 # builds the runnable jar first if needed
mkdir -p "$out"
echo "runs in $out; train flags: --size $size --minutes $minutes ${flags[*]}"
echo "| task | mode | window (UTC) | X steps | size reached (agreement) | \`ida4j eval\` at $size | per class | H calls |"
echo "|---|---|---|---|---|---|---|---|"
for task in "${tasks[@]}"; do
  for mode in "${modes[@]}"; do
    run="$out/$task-$mode"
    from=$(date -u +%H:%M)
    ./ida4j train --task "$task" --mode "$mode" --size "$size" --minutes "$minutes" ${flags[@]+"${flags[@]}"} \
      --out "$run" >"$run.log" 2>&1
    to=$(date -u +%H:%M)
    ./ida4j eval --run "$run" --contexts "$contexts" --size "$size" --out "$run/eval-$size.jsonl" \
      >"$run/eval-$size.summary" 2>>"$run.log"
    /usr/bin/python3 - "$task" "$mode" "$from-$to" "$run/metrics.jsonl" "$run/eval-$size.summary" <<'PY'
import json, sys

task, mode, window, metrics, summary = sys.argv[1:6]
last = None
for line in open(metrics):
    record = json.loads(line)
    if "elapsed_s" in record:  # a training record (evaluation records have no timings)
        last = record
ev = json.loads(open(summary).read().strip().splitlines()[-1])
if last is None:  # too short a run to train X at all: say so, and go on to the next run
    print(f"| {task} | {mode} | {window} | 0 | no X step (see the run's log) | {100 * ev['accuracy']:.1f} % | | |")
    sys.exit()
classes = ", ".join(f"{k} {round(100 * v)}" for k, v in ev["per_class"].items())
print(f"| {task} | {mode} | {window} | {last['step']:,} | {last['size']} ({last['curriculum_agreement']:.2f}) "
      f"| **{100 * ev['accuracy']:.1f} %** ({ev['questions']:,} q) | {classes} % | {last['h_calls']:,} |", flush=True)
PY
  done
done
