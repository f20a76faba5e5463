#!/usr/bin/env bash
# The PyTorch peer of ida4j's tiny-gpt benchmark in its best-tuned configuration (see README.md for what else was
# tried): OpenBLAS on its AVX-512 kernels with both cores, ATen's AVX-512 kernels, torch's own thread pool at 1 so
# the two do not oversubscribe the 2 cores, and glibc malloc kept from returning large buffers to the OS (page
# faults are expensive in this VM). The OPENBLAS_* unsetting applies to this command only.
# Prints one JSON line; extra arguments go to tiny_gpt.py bench (e.g. --steps 60).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
exec env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE \
    ATEN_CPU_CAPABILITY=avx512 OPENBLAS_NUM_THREADS=2 \
    GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=4294967296 \
    /usr/bin/python3 "$here/tiny_gpt.py" bench --threads 1 "$@"
