#!/usr/bin/env bash
# psum of 1, 16 and 64 MB float32 over 2 MPI processes: Kiln (bench/PsumOverMpi) next to a plain C
# MPI_Allreduce (mpi/allreduce.c), same launch options, alternating for ROUNDS rounds (3), each with
# ITERS timed calls (20) after WARMUP untimed ones (5); each prints the median and the minimum.
# PsumOverMpi also times MPI_Allreduce called through FFM on native memory in its own JVM, taking
# turns with the two psums, and prints each psum's median over that one. SIZES limits the sizes (MB,
# "1,16,64"); JVM_FLAGS adds JVM options. The JVM options are the README's launch line for mpirun,
# with the heap fixed (-Xms = -Xmx), pre-touched at start and on transparent huge pages as the README
# advises for programs that move large arrays (plus one worker thread per process: two processes on
# two cores). Needs Open MPI
# (openmpi-bin, libopenmpi-dev), JDK 25 in JAVA_HOME and the modules compiled (./mvnw -o -q compile).
set -euo pipefail
cd "$(dirname "$0")/../.."
out=bench/target/mpi
mkdir -p "$out"
mpicc -O2 -o "$out/allreduce" bench/mpi/allreduce.c
root=()
[ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
cp=$(ls -d spi/target/classes cpu-simd/target/classes bench/target/classes | tr '\n' ':')
cp+=$(find ~/.m2/repository/org/slf4j -name 'slf4j-api-*.jar' | head -1)
printf '%s\n' --add-modules=jdk.incubator.vector --enable-native-access=ALL-UNNAMED -Xms1g -Xmx1g -XX:+AlwaysPreTouch \
  -XX:+UseTransparentHugePages \
  -Dkiln.cpu.threads=1 ${JVM_FLAGS:-} \
  -cp "\"$cp\"" > "$out/java.args"
for round in $(seq "${ROUNDS:-3}"); do
  echo "round $round, load $(cut -d' ' -f1-3 /proc/loadavg)"
  mpirun "${root[@]}" -np 2 --bind-to none "$out/allreduce" "${ITERS:-20}" "${WARMUP:-5}"
  mpirun "${root[@]}" -np 2 --bind-to none "$JAVA_HOME/bin/java" "@$out/java.args" dev.kiln.bench.PsumOverMpi \
    "${ITERS:-20}" "${WARMUP:-5}" "${SIZES:-1,16,64}"
done
