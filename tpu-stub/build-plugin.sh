#!/usr/bin/env bash
# Builds Kiln's XLA:CPU PJRT plugin (src/main/cpp) against the tensorflow_cpu 2.21.0 wheel.
#
#   build-plugin.sh <out-dir>
#
# Unzips only the headers and the two XLA libraries from the wheel into <out-dir>/tf, compiles
# the plugin with g++ into <out-dir>/libkiln_pjrt_cpu.so, the layout printer, and two broken
# plugins used by the tests. The result is cached in <cache-dir> (default: ../build/pjrt-plugin
# relative to this module) keyed by a hash of the sources and this script, so a second build
# costs seconds. When the wheel or g++ is missing it writes <out-dir>/UNAVAILABLE with the
# reason and exits 0: the tests then report the plugin unavailable with that reason.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "$1" && cd "$1" && pwd)"
cache_root="${KILN_PJRT_CACHE:-$here/../build/pjrt-plugin}"
rm -f "$out/UNAVAILABLE"

unavailable() { echo "$1" > "$out/UNAVAILABLE"; echo "kiln-pjrt: plugin not built: $1" >&2; exit 0; }

wheel=""
for dir in ${KILN_WHEELS:-} /opt/wheels /opt/pypi/files; do
  for f in "$dir"/tensorflow_cpu-2.21.0-*.whl; do [ -f "$f" ] && { wheel="$f"; break 2; }; done
done
[ -n "$wheel" ] || unavailable "no tensorflow_cpu-2.21.0 wheel in /opt/wheels or /opt/pypi/files (set KILN_WHEELS to its folder)"
command -v g++ >/dev/null || unavailable "g++ not found (apt-get install g++)"
command -v unzip >/dev/null || unavailable "unzip not found (apt-get install unzip)"

tf="$out/tf/tensorflow"
if [ ! -f "$tf/libtensorflow_cc.so.2" ] || [ ! -f "$tf/include/xla/pjrt/c/pjrt_c_api.h" ]; then
  echo "kiln-pjrt: unzipping headers and libraries from $(basename "$wheel")" >&2
  unzip -q -o "$wheel" 'tensorflow/include/*' 'tensorflow/libtensorflow_cc.so.2' \
      'tensorflow/libtensorflow_framework.so.2' -d "$out/tf"
fi
TFI="$tf/include"

key="$(cat "$0" "$here"/src/main/cpp/*.cc "$here"/src/main/cpp/*.c \
       "$here"/src/main/cpp/stubs/mlir/IR/*.h "$TFI/xla/pjrt/c/pjrt_c_api.h" | sha256sum | cut -c1-16)"
cache="$cache_root/$key"
products="libkiln_pjrt_cpu.so pjrt_layout libkiln_pjrt_noentry.so libkiln_pjrt_badversion.so"
# Puts $1 at $2 by renaming a copy over it, and not at all when $2 already holds the same bytes. A
# JVM that has the plugin loaded maps the file: rewriting it in place (cp truncates, then writes)
# would change the code under that JVM (see docs/pjrt.md); a rename leaves it its own inode.
install_file() {
  if [ -f "$2" ] && cmp -s "$1" "$2"; then return 0; fi
  cp "$1" "$2.tmp.$$" && mv -f "$2.tmp.$$" "$2"
}
if [ -f "$cache/libkiln_pjrt_cpu.so" ]; then
  for p in $products; do install_file "$cache/$p" "$out/$p"; done
  echo "kiln-pjrt: plugin from cache $cache" >&2
else
  flags=(-std=c++17 -DNDEBUG -O1 -fPIC -D_GLIBCXX_USE_CXX11_ABI=1 -DEIGEN_MAX_ALIGN_BYTES=64 -w
    -I"$here/src/main/cpp/stubs" -I"$TFI" -I"$TFI/external/highwayhash"
    -I"$TFI/external/com_googlesource_code_re2" -I"$TFI/external/farmhash_archive/src"
    -I"$TFI/external/tf_runtime/include" -I"$TFI/external/ml_dtypes_py"
    -I"$TFI/external/ml_dtypes_py/ml_dtypes" -I"$TFI/ml_dtypes"
    -I"$TFI/external/com_google_protobuf/src")
  echo "kiln-pjrt: compiling the XLA:CPU plugin (about a minute)" >&2
  g++ "${flags[@]}" -c "$here/src/main/cpp/kiln_pjrt_cpu.cc" -o "$out/kiln_pjrt_cpu.o"
  g++ -shared -o "$out/libkiln_pjrt_cpu.so.new" "$out/kiln_pjrt_cpu.o" -L"$tf" \
      -l:libtensorflow_cc.so.2 -l:libtensorflow_framework.so.2 -Wl,-z,defs \
      -Wl,-rpath,'$ORIGIN/tf/tensorflow'
  mv -f "$out/libkiln_pjrt_cpu.so.new" "$out/libkiln_pjrt_cpu.so"
  gcc -std=c11 -O1 -I"$TFI" "$here/src/main/cpp/pjrt_layout.c" -o "$out/pjrt_layout"
  gcc -std=c11 -O1 -shared -fPIC "$here/src/main/cpp/broken_plugins.c" -o "$out/libkiln_pjrt_noentry.so"
  gcc -std=c11 -O1 -shared -fPIC -I"$TFI" -DKILN_BAD_VERSION "$here/src/main/cpp/broken_plugins.c" \
      -o "$out/libkiln_pjrt_badversion.so"
  mkdir -p "$cache"
  for p in $products; do cp "$out/$p" "$cache/$p"; done
fi
"$out/pjrt_layout" > "$out/pjrt-layout.txt"

# libtpu for the TPU load test: a venv under build/ with the local libtpu wheel (no network).
venv="${KILN_PJRT_VENV:-$here/../build/pjrt-venv}"
if [ ! -f "$venv/.kiln-libtpu-0.0.42.1" ]; then
  tpu_wheel=""
  for dir in ${KILN_WHEELS:-} /opt/wheels /opt/pypi/files; do
    for f in "$dir"/libtpu-0.0.42.1-*.whl; do [ -f "$f" ] && { tpu_wheel="$f"; break 2; }; done
  done
  if [ -n "$tpu_wheel" ] && command -v python3 >/dev/null; then
    echo "kiln-pjrt: installing $(basename "$tpu_wheel") into $venv" >&2
    if python3 -m venv "$venv" && "$venv/bin/pip" install -q --no-index --no-deps "$tpu_wheel"; then
      touch "$venv/.kiln-libtpu-0.0.42.1"
    else
      echo "kiln-pjrt: libtpu could not be installed; the TPU load test will say so" >&2
    fi
  else
    echo "kiln-pjrt: no libtpu-0.0.42.1 wheel or no python3; the TPU load test will say so" >&2
  fi
fi
echo "kiln-pjrt: plugin ready: $out/libkiln_pjrt_cpu.so" >&2
