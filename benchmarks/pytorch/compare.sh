#!/usr/bin/env bash
# Runs the tiny-gpt bench in several configurations, interleaved round by round so that the load of this shared
# machine hits all of them alike; prints one line per run: label, load average, the bench's JSON.
# Usage: compare.sh [ROUNDS]   (default 3). Ends with each label's median over rounds of the runs' median step.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
rounds=${1:-3}
base="-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296"
configs=(
    "tuned|$base ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=2|--threads 1"
    "tuned-keep-grads|$base ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=2|--threads 1 --keep-grads"
    "tuned-blas1|$base ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=1|--threads 1"
    "tuned-no-glibc-tunables|-u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=2|--threads 1"
    "torch2-blas2|$base ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=2|--threads 2"
    "torch2-blas2-omp-passive|$base ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=2 OMP_WAIT_POLICY=PASSIVE|--threads 2"
    "torch2-blas1|$base ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=1|--threads 2"
    "defaults-haswell|OPENBLAS_CORETYPE=Haswell|--threads 0" # torch's own thread default, OpenBLAS's (2)
)
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for ((r = 1; r <= rounds; r++)); do
    for c in "${configs[@]}"; do
        IFS='|' read -r label vars args <<<"$c"
        # shellcheck disable=SC2086 # vars and args are word lists
        json=$(env $vars /usr/bin/python3 "$here/tiny_gpt.py" bench $args)
        echo "$label load=$(cut -d' ' -f1 /proc/loadavg) $json" | tee -a "$runs"
    done
done
/usr/bin/python3 - "$runs" <<'PY'
import json, statistics, sys
by = {}
for line in open(sys.argv[1]):
    label, load, js = line.split(" ", 2)
    j = json.loads(js)
    tokens = j["tokens_per_s"] * j["ms_per_step"] / 1e3  # B*T, whatever the configuration
    by.setdefault(label, []).append((j["ms_per_step"], float(load[5:]), tokens))
for label, runs in by.items():
    ms = statistics.median(m for m, _, _ in runs)
    print(f"{label:28s} median {ms:7.1f} ms/step  {runs[0][2] / ms:5.2f} K tokens/s  runs {sorted(m for m, _, _ in runs)}"
          f"  load {min(l for _, l, _ in runs):.2f}-{max(l for _, l, _ in runs):.2f}")
PY
