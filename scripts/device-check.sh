#!/usr/bin/env bash
# Checks Kiln's opencl backend on this machine's OpenCL devices (a GPU machine, or PoCL on a CPU)
# in one go, writing everything under one folder:
#   1. builds what it needs (offline if the Maven repository already has the dependencies),
#   2. prints the OpenCL platforms and devices (clinfo, and Kiln's own discovery),
#   3. runs the conformance runner on opencl (and cpu-simd beside it),
#   4. measures the device's copy bandwidth and float32 FMA peak with kernels of its own, and Kiln's
#      fused elementwise kernel and float32 matmul (4096^3 on a GPU) as shares of them,
#   5. runs the comparison workloads (fused elementwise, row ops, matmul) on opencl and cpu-simd.
# It installs nothing (Maven may download the project's own dependencies if ~/.m2 lacks them).
# It is not part of the test suite. Usage: scripts/device-check.sh [output folder]
# (default build/device-check). Options through the environment: DEVICE=<index or name part>
# (kiln.opencl.device), FAMILIES=<comma list> (conformance families; default all),
# QUICK=true|false (bench length, default true), ELEMENTS=<n> and MATMUL=<n> (step 4's sizes),
# SKIP=<steps> (any of conformance,limits,workloads: steps to leave out), BENCH=<JMH regex>
# (step 5's benchmarks; default the elementwise, row and matmul workloads, eager and jit).
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
OUT=${1:-$ROOT/build/device-check}
mkdir -p "$OUT" "$OUT/tmp" "$OUT/pocl-cache"
OUT=$(cd "$OUT" && pwd)
export POCL_CACHE_DIR="$OUT/pocl-cache"
QUICK=${QUICK:-true}

if [ -z "${JAVA_HOME:-}" ] || ! "$JAVA_HOME/bin/java" -version 2>&1 | grep -q 'version "25'; then
  for candidate in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25* /usr/lib/jvm/*-25-* /usr/lib/jvm/jdk-25*; do
    if [ -x "$candidate/bin/java" ]; then JAVA_HOME=$candidate; break; fi
  done
fi
export JAVA_HOME PATH="$JAVA_HOME/bin:$PATH"
log() { echo "[device-check] $*" | tee -a "$OUT/summary.txt"; }
: > "$OUT/summary.txt"
log "output folder: $OUT"
log "date: $(date -u +%FT%TZ); host: $(uname -n); java: $(java -version 2>&1 | head -n 1)"
command -v nvidia-smi >/dev/null 2>&1 && nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1

# 1. build (offline first; if the local Maven repository lacks something, Maven downloads the
#    project's own dependencies: nothing is installed on the machine). The classpath is written in
#    the same reactor run, so the sibling modules resolve to their freshly built jars.
log "building (log: build.log)"
BUILD=(-B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile="$OUT/bench.cp" -pl opencl,conformance,bench -am)
if ! ./mvnw -o "${BUILD[@]}" > "$OUT/build.log" 2>&1; then
  log "offline build failed; retrying with Maven downloading the project's dependencies"
  ./mvnw "${BUILD[@]}" >> "$OUT/build.log" 2>&1 || { log "build failed; see $OUT/build.log"; exit 1; }
fi
# the bench's classpath (every module's jar, JOCL, JMH, the conformance suite), and the opencl
# module's test classes for DeviceCheckMain
CP="$(cat "$OUT/bench.cp"):bench/target/classes:opencl/target/test-classes"
JAVA=(java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Djava.io.tmpdir="$OUT/tmp"
      -Xss8m -XX:+UseParallelGC)
[ -n "${DEVICE:-}" ] && JAVA+=("-Dkiln.opencl.device=$DEVICE")

# 2. platforms and devices
log "OpenCL platforms and devices (clinfo.txt, backends.txt)"
if command -v clinfo >/dev/null 2>&1; then clinfo > "$OUT/clinfo.txt" 2>&1; clinfo -l | tee -a "$OUT/summary.txt"
else echo "clinfo is not installed" > "$OUT/clinfo.txt"; fi
cat > "$OUT/Backends.java" <<'JAVA'
public class Backends {
    public static void main(String[] a) {
        for (dev.kiln.Kiln.BackendInfo b : dev.kiln.Kiln.backends()) {
            System.out.println(b.name() + " (priority " + b.priority() + "): " + b.availability());
        }
    }
}
JAVA
"${JAVA[@]}" -cp "$CP" "$OUT/Backends.java" 2>&1 | tee "$OUT/backends.txt" | tee -a "$OUT/summary.txt"

skipped() { [[ ",${SKIP:-}," == *",$1,"* ]]; }

# 3. conformance on opencl and cpu-simd
if skipped conformance; then log "conformance: skipped"; else
FAM=()
[ -n "${FAMILIES:-}" ] && FAM=("--families=$FAMILIES")
for b in opencl cpu-simd; do
  log "conformance on $b (conformance-$b.txt)"
  start=$(date +%s)
  "${JAVA[@]}" -Dkiln.checks=true -cp "$CP" dev.kiln.conformance.Runner "${FAM[@]}" "$b" > "$OUT/conformance-$b.txt" 2>&1
  rc=$?
  log "  $b: exit $rc in $(( $(date +%s) - start )) s: $(grep -E "^$b: [0-9]+ passed" "$OUT/conformance-$b.txt" | tail -n 1)"
done

fi

# 4. the device's own limits in this run (a copy kernel, a register-loop FMA kernel) and Kiln's fused
#    elementwise kernel and float32 matmul as shares of them (the GPU targets: >= 70% and >= 40%)
if skipped limits; then log "device limits: skipped"; else
log "device limits and Kiln's share of them (device-limits.txt)"
"${JAVA[@]}" -Xmx8g ${ELEMENTS:+-Dcheck.elements=$ELEMENTS} ${MATMUL:+-Dcheck.matmul=$MATMUL} -cp "$CP" \
  dev.kiln.opencl.DeviceCheckMain > "$OUT/device-limits.txt" 2>&1
log "  exit $?:"
grep -v '^WARNING' "$OUT/device-limits.txt" | tee -a "$OUT/summary.txt"

fi

# 5. comparison workloads on opencl and cpu-simd (JMH), side by side
if skipped workloads; then log "workloads: skipped"; else
log "comparison workloads on opencl and cpu-simd (jmh-workloads.log, workloads.json)"
N=("-p" "n=256,1024,4096")
[ "$QUICK" = true ] && N=("-p" "n=256,1024")
"${JAVA[@]}" -cp "$CP" org.openjdk.jmh.Main "${BENCH:-\\.(Elementwise|RowOps|Matmul)\\..*(Eager|Jit)\$}" \
  -p backend=opencl,cpu-simd "${N[@]}" -f 1 -wi 3 -w 1 -i 5 -r 1 \
  -jvmArgsAppend "--enable-native-access=ALL-UNNAMED -Djava.io.tmpdir=$OUT/tmp ${DEVICE:+-Dkiln.opencl.device=$DEVICE}" \
  -rf json -rff "$OUT/workloads.json" > "$OUT/jmh-workloads.log" 2>&1
log "  JMH exit $?; results:"
sed -n '/^Benchmark/,$p' "$OUT/jmh-workloads.log" | tee -a "$OUT/summary.txt"
fi
log "done; everything is under $OUT"
