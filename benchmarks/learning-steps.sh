#!/usr/bin/env bash
# The learning benchmark at equal X steps: for each task and size, amplification (the learned overseer H′), noasker
# (the real H) and the supervised baseline, each trained for the same number of X steps of the same batch,
# synchronously and deterministically (--generation-workers 0 --threads 1), with two seeds; then `ida4j eval` of each
# run's EMA teacher on the same fresh questions (evaluation seed EVAL_SEED). Learning is judged in steps, not
# minutes, because this VM's speed varies threefold from day to day; the same command gives the same table on any
# machine.
#
#   benchmarks/learning-steps.sh [TASK[:SIZE]...]   # default: every task at size 8, permutation-powering also at 4
#
# STEPS (4000), BATCH (50), SEEDS ("1 2"), MODES ("amplification noasker supervised"), CONTEXTS (contexts evaluated,
# at least 100 and enough for 800 questions), EVAL_SEED (1000), JOBS (runs at a time, default: the processors), TRAIN_FLAGS (extra
# flags for every train command, e.g. "--recipe reference"), OUT (default runs/learning-steps-<UTC time>).
# Prints one Markdown table row per task and size (mean over the seeds, each seed's figure, the ratio of
# amplification to the supervised baseline), the form benchmarks/RESULTS.md records; keeps every run directory, its
# log, its evaluation export, runs.tsv (one line per run) and report/ (every run's curves against X steps, one
# panel per task).
set -euo pipefail
cd "$(dirname "$0")/.."
steps=${STEPS:-4000}
batch=${BATCH:-50}
contexts=${CONTEXTS:-100}
eval_seed=${EVAL_SEED:-1000}
jobs=${JOBS:-$(nproc)}
read -r -a seeds <<<"${SEEDS:-1 2}"
read -r -a modes <<<"${MODES:-amplification noasker supervised}"
out=${OUT:-runs/learning-steps-$(date -u +%Y%m%dT%H%M%SZ)}
cases=("$@")
[[ ${#cases[@]} -gt 0 ]] || cases=(permutation-powering:4 permutation-powering:8 sequential-assignments:8
  wildcard-search:8 shortest-path:8 union-find:8)

./ida4j --version >/dev/null 2>&1 # builds the runnable jar first if needed
mkdir -p "$out"
echo "runs in $out: $steps X steps of $batch contexts, seeds ${seeds[*]}, $jobs at a time; flags: ${TRAIN_FLAGS:-none}"

# one run: train, then evaluate at its size; prints nothing (the table is made from the files)
run_one() {
  set -o pipefail
  local task=$1 size=$2 mode=$3 seed=$4
  local dir="$out/$task-$size-$mode-$seed"
  # shellcheck disable=SC2086 # TRAIN_FLAGS is a list of flags
  if ! ./ida4j train --task "$task" --mode "$mode" --size "$size" --steps "$steps" --batch "$batch" --seed "$seed" \
    --generation-workers 0 --threads 1 ${TRAIN_FLAGS:-} --out "$dir" >"$dir.log" 2>&1; then
    echo "$dir: train failed, see $dir.log" >>"$out/failed.txt"
    return 0
  fi
  # at least 800 questions: every task asks at least one question per element
  local n=$(((800 + size - 1) / size))
  ((n > contexts)) || n=$contexts
  if ! ./ida4j eval --run "$dir" --contexts "$n" --size "$size" --seed "$eval_seed" --out "$dir/eval.jsonl" \
    2>>"$dir.log" | tail -n 1 >"$dir/eval.summary"; then
    echo "$dir: eval failed, see $dir.log" >>"$out/failed.txt"
    return 0
  fi
  printf '%s\t%s\t%s\t%s\t%s\n' "$task" "$size" "$mode" "$seed" "$(cat "$dir/eval.summary")" >>"$out/runs.tsv"
}
export -f run_one
export out steps batch contexts eval_seed TRAIN_FLAGS

for c in "${cases[@]}"; do
  task=${c%%:*}
  size=8
  [[ $c == *:* ]] && size=${c##*:}
  for seed in "${seeds[@]}"; do
    for mode in "${modes[@]}"; do
      echo "$task $size $mode $seed"
    done
  done
done | xargs -P "$jobs" -L 1 bash -c 'run_one "$@"' _

touch "$out/runs.tsv"
/usr/bin/python3 - "$out/runs.tsv" "${modes[@]}" <<'PY'
import collections, json, sys

path, modes = sys.argv[1], sys.argv[2:]
acc = collections.defaultdict(dict)   # (task, size) -> {(mode, seed): accuracy}
questions = {}
for line in open(path):
    task, size, mode, seed, summary = line.rstrip("\n").split("\t", 4)
    s = json.loads(summary)
    acc[(task, int(size))][(mode, int(seed))] = s["accuracy"]
    questions[(task, int(size))] = s["questions"]

def cell(runs, mode):
    xs = [a for (m, _), a in sorted(runs.items()) if m == mode]
    if not xs:
        return "", None
    mean = sum(xs) / len(xs)
    return f"**{100 * mean:.1f} %** ({' / '.join(f'{100 * a:.1f}' for a in xs)})", mean

print("| task | size | questions | " + " | ".join(modes) + " | amplification / supervised |")
print("|---|---|---|" + "---|" * len(modes) + "---|")
for (task, size), runs in sorted(acc.items()):
    cells, means = zip(*(cell(runs, m) for m in modes))
    amp, sup = dict(zip(modes, means)).get("amplification"), dict(zip(modes, means)).get("supervised")
    ratio = f"{amp / sup:.2f}" if amp is not None and sup else ""
    print(f"| {task} | {size} | {questions[(task, size)]:,} | " + " | ".join(cells) + f" | {ratio} |")
PY

# the curves of every run against X steps, one panel per task (Figure 2 of the 2018 paper); report/ itself, from an
# earlier call into the same OUT, and runs that never logged are no runs
runs=()
for d in "$out"/*/; do
  [[ -f $d/metrics.jsonl ]] && runs+=("$d")
done
./ida4j report "${runs[@]}" --out "$out/report" 2>&1 | tail -n 1

if [[ -f $out/failed.txt ]]; then
  echo "learning-steps: runs failed and are not in the table:" >&2
  cat "$out/failed.txt" >&2
  exit 1
fi
