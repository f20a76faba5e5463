#!/usr/bin/env bash
# Assembles target/gpu-bundle/: everything a GPU machine needs to verify the CUDA backend and benchmark it, with no
# JDK, no Maven and no network there. Called by the gpu-bundle Maven profile in the package phase:
#   make-bundle.sh BUILD_DIR VERSION JAVA_HOME
# Contents: runtime/ (a jlinked Java runtime: jdeps' modules of the jars plus jdk.incubator.vector), lib/ (the CLI
# jar, the test classes, AssertJ and the JUnit console launcher), pytorch/ (the PyTorch twin), run.sh. Fails when
# the bundle exceeds 60 MiB.
set -euo pipefail

build="${1:?usage: make-bundle.sh BUILD_DIR VERSION JAVA_HOME}"
version="${2:?version}"
jdk="${3:?java home}"
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="$build/gpu-bundle"
limit=$((60 * 1024 * 1024))

rm -rf "$out"
mkdir -p "$out/lib" "$out/pytorch"
cp "$build/ida4j-$version-cli.jar" "$out/lib/ida4j-cli.jar"
cp "$build/ida4j-$version-tests.jar" "$out/lib/ida4j-tests.jar"
cp "$build"/gpu-bundle-deps/*.jar "$out/lib/"
if ! "$jdk/bin/jar" tf "$out/lib/ida4j-cli.jar" | grep "native/pointwise.fatbin" >/dev/null; then
  echo "gpu-bundle: the jar has no CUDA kernels (nvcc was not found at build time): the bundle would be useless" >&2
  exit 1
fi

# the modules the engine (thin jar), the test launcher and AssertJ need (jdeps), plus jdk.management (the test
# classes' allocation counters), jdk.zipfs (the test launcher scans the test jar as a file system) and the Vector
# API module (loaded by flag, not by reference); minus java.desktop, which only `ida4j report` (plots) and Jackson's
# optional java.beans support use: it would cost 15 MiB, and the smoke test below proves the rest works without it.
modules="$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps \
  "$build/ida4j-$version.jar" "$out"/lib/junit-platform-console-standalone.jar "$out"/lib/assertj-core.jar \
  | tail -n 1 | tr ',' '\n' | grep -v '^java.desktop$' | paste -sd, -)"
modules="$(tr ',' '\n' <<<"$modules,jdk.management,jdk.zipfs,jdk.incubator.vector" | sort -u | paste -sd, -)"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --compress=zip-9 \
  --output "$out/runtime"

# smoke test of the runtime: the CLI starts and runs a CPU training step
"$out/runtime/bin/java" --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
  -jar "$out/lib/ida4j-cli.jar" bench step --preset tiny-gpt --device cpu --threads 1 --steps 1 --warmup 0 \
  --warmup-seconds 0 --json >/dev/null

cp "$here/run.sh" "$out/run.sh"
cp "$repo/benchmarks/pytorch/tiny_gpt.py" "$repo/benchmarks/pytorch/gpu_step.py" "$out/pytorch/"
chmod +x "$out/run.sh"

size=$(du -sb "$out" | cut -f1)
echo "gpu-bundle: $out: $((size / 1024 / 1024)) MiB (limit 60), runtime modules: $modules"
if (( size > limit )); then
  echo "gpu-bundle: $size bytes is over the 60 MiB limit" >&2
  exit 1
fi
