#!/usr/bin/env bash
# Regenerates the CUDA bindings in bindings/java/dev/ida4j/bindings with jextract (JDK 22+ builds from
# https://jdk.java.net/jextract), one header class per library, limited to the symbols in bindings/includes/*.txt.
# Needs jextract on PATH (or $JEXTRACT) and the headers: $CUDA_HOME/include (cuda.h, cuda_runtime_api.h) and, for
# cuBLAS, a folder with cublas_v2.h ($CUBLAS_INCLUDE, e.g. site-packages/nvidia/cu13/include from the
# nvidia-cublas wheel). Anything missing is skipped with a message, and the committed file stays: on the build
# machines neither jextract nor cublas_v2.h exists, so CudaRuntime, CudaDriver and Cublas are hand-written in
# jextract's shape from the same headers/documentation (--use-system-load-library: symbols from the loader lookup,
# the backend loads the libraries itself by soname). Review the diff after regenerating: never edit by hand.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jextract="${JEXTRACT:-$(command -v jextract || true)}"
cuda_include="${CUDA_HOME:-/usr/local/cuda}/include"
cublas_include="${CUBLAS_INCLUDE:-}"
out="$here/java"

if [[ -z "$jextract" ]]; then
  echo "regenerate: jextract not found (set JEXTRACT or put it on PATH): bindings left as committed"
  exit 0
fi

generate() { # class-name define include-list include-dir...
  local class="$1" define="$2" list="$3"
  shift 3
  local flags=()
  for dir in "$@"; do flags+=(-I "$dir"); done
  "$jextract" --target-package dev.ida4j.bindings --header-class-name "$class" --output "$out" \
    --use-system-load-library -D "$define" "${flags[@]}" @"$here/includes/$list" "$here/headers.h"
  echo "regenerate: wrote $class from $list"
}

if [[ -f "$cuda_include/cuda_runtime_api.h" && -f "$cuda_include/cuda.h" ]]; then
  generate CudaRuntime IDA4J_BIND_RUNTIME cuda_runtime.txt "$cuda_include"
  generate CudaDriver IDA4J_BIND_DRIVER cuda_driver.txt "$cuda_include"
else
  echo "regenerate: no cuda.h/cuda_runtime_api.h under $cuda_include: CudaRuntime and CudaDriver left as committed"
fi
if [[ -n "$cublas_include" && -f "$cublas_include/cublas_v2.h" ]]; then
  generate Cublas IDA4J_BIND_CUBLAS cublas.txt "$cublas_include" "$cuda_include"
else
  echo "regenerate: no cublas_v2.h (set CUBLAS_INCLUDE): Cublas left as committed (hand-written)"
fi
