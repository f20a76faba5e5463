#!/usr/bin/env bash
# ida4j's CPU SGEMM against OpenBLAS (its AVX-512 kernels, 1 and 2 threads) on the model's shapes, both measured in
# the same JMH run per shape (ida4j first, then the peer), then a table of GFLOP/s and ratios (medians over rounds).
#
#   benchmarks/gemm-vs-openblas.sh                 # build engine + benchmarks, all shapes, 1 round
#   ROUNDS=3 SKIP_BUILD=1 SHAPES="1024x1024x1024" benchmarks/gemm-vs-openblas.sh
#
# Environment knobs: ROUNDS (1), SHAPES (space-separated, default all of GemmBench's), THREADS ("1,2"),
# JMH_OPTS (extra JMH options, e.g. "-wi 3 -i 5"), SKIP_BUILD (non-empty: use the jars already built),
# INTERLEAVED_SECONDS (4; 0 skips the second table: ida4j and OpenBLAS taking turns in one process, see
# GemmInterleaved, the fairer comparison while other processes load the machine), INTERLEAVED_THREADS ("1": with 2
# threads the turns disturb each other, since OpenBLAS's idle threads keep spinning for a long while after each of its
# calls, on the cores ida4j's turn needs; ida4j's own idle worker spins about a millisecond).
# The OpenBLAS environment (CORETYPE and L2_SIZE unset, a pool of 2 threads) is set for the benchmark command only.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${ROUNDS:-1}
SHAPES=${SHAPES:-"1024x1024x1024 2048x768x256:NT 2048x768x256 2048x256x768 768x256x2048:TN 2048x256x1024 2048x1024x256 2048x256x256"}
THREADS=${THREADS:-1,2}
JMH_OPTS=${JMH_OPTS:-}
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
JAR=benchmarks/target/benchmarks.jar
OUT=benchmarks/target/gemm-vs-openblas
# a CORETYPE forced by the environment (e.g. Haswell) would replace the AVX-512 kernels and halve OpenBLAS
PEER_ENV=(env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE OPENBLAS_NUM_THREADS=2)

if [[ -z "${SKIP_BUILD:-}" ]]; then
  ./mvnw -B -q install -DskipTests
  ./mvnw -B -q -f benchmarks/pom.xml package
fi

"${PEER_ENV[@]}" "$JAVA" --enable-native-access=ALL-UNNAMED -cp "$JAR" dev.ida4j.bench.OpenBlasInfo

rm -rf "$OUT"
mkdir -p "$OUT"
echo "date: $(date)" | tee "$OUT/log.txt"
"$JAVA" -version 2>&1 | head -1 | tee -a "$OUT/log.txt"
for ((r = 1; r <= ROUNDS; r++)); do
  for shape in $SHAPES; do
    echo "round $r, $shape, load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/log.txt"
    # shellcheck disable=SC2086
    "${PEER_ENV[@]}" "$JAVA" -jar "$JAR" '\.(OpenBlas)?GemmBench\.' -p shape="$shape" -p threads="$THREADS" \
      $JMH_OPTS -rf csv -rff "$OUT/round$r-${shape//:/_}.csv" > "$OUT/round$r-${shape//:/_}.log"
    grep -E '^(GemmBench|OpenBlasGemmBench)|OpenBLAS core' "$OUT/round$r-${shape//:/_}.log" | sort -u || true
  done
done
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/log.txt"
echo
"$JAVA" -cp "$JAR" dev.ida4j.bench.GemmTable "$OUT"/round*.csv | tee "$OUT/table.md"

INTERLEAVED_SECONDS=${INTERLEAVED_SECONDS:-4}
if [[ "$INTERLEAVED_SECONDS" != 0 ]]; then
  echo
  echo "interleaved, load before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/log.txt"
  INTERLEAVED_THREADS=${INTERLEAVED_THREADS:-1}
  for t in ${INTERLEAVED_THREADS//,/ }; do
    # shellcheck disable=SC2086
    "${PEER_ENV[@]}" "$JAVA" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp "$JAR" \
      dev.ida4j.bench.GemmInterleaved "$t" "$INTERLEAVED_SECONDS" $SHAPES 2>/dev/null | { [[ $t == "${INTERLEAVED_THREADS%%,*}" ]] && cat || tail -n +3; }
  done | tee "$OUT/interleaved.md"
  echo "interleaved, load after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/log.txt"
fi
