#!/usr/bin/env bash
# Verifies and benchmarks ida4j's CUDA backend on this machine, with the bundled Java runtime only (no JDK, Maven
# or network needed). Run from anywhere: ./run.sh   Results go to $OUT (default: ./results next to this script):
#   junit/             the GPU test group's reports (contract suite on the device, parity, memory, sticky errors)
#   bench.jsonl        one JSON line per benchmark: ida4j (gemm and the steps of tiny-gpt, gpt2-small, answerer-small
#                      and answerer-paper, model X at the reference's size, each in TF32 and in BF16; tree) and,
#                      when PyTorch with CUDA is importable, PyTorch's twin of the two GPT steps on the same card in
#                      TF32 and in BF16 autocast
#   train-cuda/        the records of `ida4j train --device cuda` (permutation powering, size 8, 200 steps or a
#                      minute) and of the eval export of its teacher
#   profile.txt        the time per op of ida4j's gpt2-small step
#   log.txt            everything printed
# Libraries are found by soname as the backend does (IDA4J_CUDA_LIBS, the loader path, /usr/local/cuda/lib64, the
# nvidia/*/lib folders of Python environments); set IDA4J_CUDA_LIBS if they live elsewhere.
# Exit codes: 0 every GPU test passed and every benchmark ran; 1 a test or a benchmark failed; 4 no usable CUDA
# device here (the GPU tests ran and skipped, which checks the bundle itself; nothing was verified on a GPU).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
java="$here/runtime/bin/java"
OUT="${OUT:-$here/results}"
mkdir -p "$OUT/junit"
exec > >(tee -a "$OUT/log.txt") 2>&1
flags=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xss4m)
cli=("$java" "${flags[@]}" -jar "$here/lib/ida4j-cli.jar")
status=0

echo "run.sh: $(date -u +%FT%TZ) on $(hostname); $("$java" -version 2>&1 | head -n1)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader

# the Python environment that holds PyTorch keeps cuBLAS in its nvidia/*/lib folders: search them too, even when
# that environment is not activated (GPU images often put it under /opt)
if py_prefix="$(python3 -c 'import sys; print(sys.prefix)' 2>/dev/null)"; then
  for d in "$py_prefix"/lib/python3*/site-packages/nvidia/*/lib; do
    [[ -d $d ]] && IDA4J_CUDA_LIBS="${IDA4J_CUDA_LIBS:+$IDA4J_CUDA_LIBS:}$d"
  done
  export IDA4J_CUDA_LIBS="${IDA4J_CUDA_LIBS:-}"
fi
echo "run.sh: IDA4J_CUDA_LIBS=${IDA4J_CUDA_LIBS:-(unset)}"

# every step has a time limit (seconds, scaled by LIMIT_SCALE), so that one hung step cannot eat a short GPU lease
scale="${LIMIT_SCALE:-1}"
limited() {
  local seconds=$(( $1 * scale )); shift
  timeout --kill-after=10 "$seconds" "$@"
}

# 1. does the backend see a GPU? (one line, exit 1, when not)
probe="$(limited 60 "${cli[@]}" bench gemm --device cuda --m 256 --n 256 --k 256 --reps 3 --json 2>&1)"
probe_rc=$?
echo "$probe"
gpu=1
if [[ $probe_rc -ne 0 ]]; then
  if grep -q "no CUDA device\|not found" <<<"$probe"; then gpu=0; else status=1; fi
fi

# 2. the GPU test group: contract suite through the device, parity with the CPU, device memory, sticky errors
limited 240 "$java" "${flags[@]}" -cp "$here/lib/*" org.junit.platform.console.ConsoleLauncher execute \
  --select-package dev.ida4j.backend --include-tag gpu --details tree --disable-banner --disable-ansi-colors \
  --reports-dir "$OUT/junit" || status=1

if [[ $gpu -eq 0 ]]; then
  echo "run.sh: no usable CUDA device here: the GPU tests skipped (see above); nothing was verified on a GPU"
  exit $(( status == 0 ? 4 : status ))
fi

# 3. ida4j's benchmarks on the GPU: TF32, then BF16 matrix products (fp32 storage and everything else)
bench() {
  local seconds=$1; shift
  echo "run.sh: ida4j $*"
  limited "$seconds" "${cli[@]}" "$@" --json 2>>"$OUT/log.txt" | tee -a "$OUT/bench.jsonl" || status=1
}
for precision in tf32 bf16; do
  bench 60 bench gemm --device cuda --precision $precision --m 4096 --n 4096 --k 4096 --reps 20
  # gpt2-small's MLP products: forward (N·C -> 4C) and the weight gradient (Σ over N = B·T = 8192 rows)
  bench 60 bench gemm --device cuda --precision $precision --m 8192 --n 3072 --k 768 --trans-b --reps 20
  bench 60 bench gemm --device cuda --precision $precision --m 3072 --n 768 --k 8192 --trans-a --reps 20
  # its vocabulary projection (V 50,257, whose rows are not 16-byte aligned) and its input gradient, and the
  # projection with V padded to 50,304 (as llm.c pads it), to see what the alignment costs
  for v in 50257 50304; do
    bench 60 bench gemm --device cuda --precision $precision --m 8192 --n $v --k 768 --trans-b --reps 10
    bench 60 bench gemm --device cuda --precision $precision --m 8192 --n 768 --k $v --reps 10
  done
  bench 60 bench step --device cuda --precision $precision --preset tiny-gpt --steps 30 --warmup 5 --warmup-seconds 5
  bench 120 bench step --device cuda --precision $precision --preset gpt2-small --steps 10 --warmup 3 \
    --warmup-seconds 5
  for preset in answerer-small answerer-paper; do
    bench 60 bench step --device cuda --precision $precision --preset $preset --steps 20 --warmup 5 \
      --warmup-seconds 5
  done
done
bench 60 bench tree --device cuda

# 4. the PyTorch twin on the same card and precision, when PyTorch with CUDA is installed
if python3 -c "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)" 2>/dev/null; then
  for precision in tf32 bf16; do
    for preset in tiny-gpt gpt2-small; do
      echo "run.sh: pytorch $preset $precision"
      limited 120 python3 "$here/pytorch/gpu_step.py" --preset "$preset" --precision $precision \
        | tee -a "$OUT/bench.jsonl" || status=1
    done
  done
else
  echo "run.sh: no PyTorch with CUDA here (python3 -c 'import torch' failed or sees no GPU): no peer figures"
fi
# 5. the whole amplify-then-distill loop on the GPU, briefly, then the export of its teacher's answers
echo "run.sh: ida4j train --device cuda"
run_dir="$(mktemp -d)/train-cuda"  # its checkpoints stay here; the records go to $OUT
limited 100 "${cli[@]}" train --task permutation-powering --size 8 --steps 200 --minutes 1 --generation-workers 0 \
  --device cuda --out "$run_dir" || status=1
limited 60 "${cli[@]}" eval --run "$run_dir" --device cuda --contexts 20 --out "$run_dir/eval.jsonl" || status=1
mkdir -p "$OUT/train-cuda" && cp "$run_dir"/*.jsonl "$run_dir"/config.toml "$OUT/train-cuda/" 2>/dev/null
# 6. where the GPT-2-small step's time goes (each op synchronized: slower than the step above, for tuning only)
echo "run.sh: ida4j bench step --device cuda --preset gpt2-small --profile"
limited 90 "${cli[@]}" bench step --device cuda --preset gpt2-small --steps 3 --warmup 1 --warmup-seconds 0 \
  --profile --json 2>&1 | tee -a "$OUT/profile.txt" || status=1
echo "run.sh: done, status $status; results in $OUT"
exit $status
