#!/usr/bin/env bash
# Compiles the CUDA kernels in native/*.cu into one fatbin per file (sm_80 and sm_90 SASS plus compute_90 PTX),
# written to the folder given as $1 (the build puts it in target/classes/native, so the kernels ship in the jar).
# Without nvcc the build still passes and says so. Called by Maven (exec-maven-plugin, generate-resources).
set -euo pipefail

out="${1:?usage: native/build.sh OUTPUT_DIR}"
here="$(cd "$(dirname "$0")" && pwd)"
nvcc="${NVCC:-}"
if [[ -z "$nvcc" ]]; then
  for candidate in "$(command -v nvcc || true)" /usr/local/bin/nvcc /usr/local/cuda/bin/nvcc; do
    if [[ -n "$candidate" && -x "$candidate" ]]; then nvcc="$candidate"; break; fi
  done
fi

shopt -s nullglob
sources=("$here"/*.cu)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "native: no CUDA sources in native/"
  exit 0
fi
if [[ -z "$nvcc" ]]; then
  echo "native: nvcc not found: skipping ${#sources[@]} CUDA kernel file(s); the CPU backend is unaffected"
  exit 0
fi

mkdir -p "$out"
for src in "${sources[@]}"; do
  name="$(basename "$src" .cu)"
  target="$out/$name.fatbin"
  if [[ -f "$target" && "$target" -nt "$src" && "$target" -nt "$here/kernels.h" && "$target" -nt "$here/common.cuh" ]]; then
    continue
  fi
  "$nvcc" -O3 --fatbin -std=c++17 \
    -gencode arch=compute_80,code=sm_80 \
    -gencode arch=compute_90,code=sm_90 \
    -gencode arch=compute_90,code=compute_90 \
    -I "$here" -o "$target" "$src"
  echo "native: compiled $name.cu -> $target"
done
