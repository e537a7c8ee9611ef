#!/usr/bin/env bash
# Optional fast backend: builds @tensorflow/tfjs-node 4.22 (or tfjs-node-gpu) from source against
# the libtensorflow shipped inside PyPI's TensorFlow wheel, for machines where the package's own
# install step cannot download libtensorflow (npm then drops the optional package).
#
#   bash scripts/tfjs-node.sh          # tfjs-node     + tensorflow-cpu wheel
#   bash scripts/tfjs-node.sh gpu      # tfjs-node-gpu + tensorflow wheel (CUDA build; GPU nodes)
#
# Steps: reinstall the package without its download script (versions from package-lock.json), pip
# download the wheel once into ~/.cache/slab/wheels, unpack libtensorflow_cc.so.2,
# libtensorflow_framework.so.2 and the C headers into ~/.cache/slab, link them into the package's
# deps/ under the names its install script expects, and `npm rebuild --build-from-source`
# (node-gyp against the local Node headers, offline). Never fails: on any problem it prints one
# line and the trainer keeps using wasm. Prints one status line on stdout.
set -uo pipefail
cd "$(dirname "$0")/.."

flavour="${1:-cpu}"
tf_version="${SLAB_TF_WHEEL_VERSION:-2.15.1}" # C API compatible with tfjs-node 4.22's binding (tested)
case "$flavour" in
  cpu) pkg=@tensorflow/tfjs-node wheel=tensorflow-cpu ;;
  gpu) pkg=@tensorflow/tfjs-node-gpu wheel=tensorflow ;;
  *) echo "usage: tfjs-node.sh [cpu|gpu]" >&2; exit 2 ;;
esac
dir="node_modules/$pkg"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slab"
libs="$cache/lib$wheel-$tf_version"
skip() { echo "$pkg: not built ($*); the trainer uses wasm"; exit 0; }
loads() { node -e "const tf = require('$pkg'); tf.tensor([1, 2]).square().dataSync()" >/dev/null 2>&1; }

if loads; then echo "$pkg: loads"; exit 0; fi
[ "$(uname -s)-$(uname -m)" = Linux-x86_64 ] || skip "only linux x86_64 is handled here"

if [ ! -f "$dir/scripts/install.js" ]; then
  # The lock file still lists the optional package; reinstall it without the script that downloads.
  npm install --no-audit --no-fund --loglevel=error --ignore-scripts >/dev/null 2>&1 || skip "npm install failed"
  [ -f "$dir/scripts/install.js" ] || skip "npm did not install $pkg"
fi

if [ ! -f "$libs/.complete" ]; then
  mkdir -p "$cache/wheels"
  whl=$(ls "$cache/wheels/${wheel//-/_}-$tf_version-"*.whl 2>/dev/null | head -1)
  py=$(command -v python3 || command -v python) || skip "no python3 to fetch and unpack the wheel"
  if [ -z "$whl" ]; then
    "$py" -m pip download -q "$wheel==$tf_version" --no-deps --only-binary=:all: \
      --python-version 3.11 --platform manylinux2014_x86_64 -d "$cache/wheels" >/dev/null 2>&1 || skip "pip download $wheel==$tf_version failed"
    whl=$(ls "$cache/wheels/${wheel//-/_}-$tf_version-"*.whl 2>/dev/null | head -1)
  fi
  rm -rf "$libs" && mkdir -p "$libs/lib" "$libs/include"
  tmp=$(mktemp -d)
  # The two libraries and the C API headers (with the platform headers they include); Python's
  # zipfile rather than unzip, which not every machine has.
  "$py" - "$whl" "$tmp" <<'PY' || { rm -rf "$tmp"; skip "extracting $whl failed"; }
import sys, zipfile
keep = ('tensorflow/libtensorflow_cc.so.2', 'tensorflow/libtensorflow_framework.so.2')
dirs = ('tensorflow/include/tensorflow/c/', 'tensorflow/include/tensorflow/core/platform/',
        'tensorflow/include/tsl/platform/', 'tensorflow/include/tsl/c/')
with zipfile.ZipFile(sys.argv[1]) as z:
    z.extractall(sys.argv[2], [n for n in z.namelist() if n in keep or n.startswith(dirs)])
PY
  mv "$tmp"/tensorflow/libtensorflow_cc.so.2 "$tmp"/tensorflow/libtensorflow_framework.so.2 "$libs/lib/"
  mv "$tmp"/tensorflow/include/* "$libs/include/"
  rm -rf "$tmp"
  touch "$libs/.complete"
fi

# Names from the package's scripts/deps-constants.js: deps/lib/libtensorflow.so.<LIBTENSORFLOW_VERSION>
# marks the library as present; binding.gyp links -ltensorflow -ltensorflow_framework from deps/lib
# with rpath $ORIGIN/../../deps/lib, where the wheel's sonames (*.so.2) must also resolve.
expected=$(node -p "require('./$dir/scripts/deps-constants.js').LIBTENSORFLOW_VERSION") || skip "cannot read $dir/scripts/deps-constants.js"
rm -rf "$dir/deps" && mkdir -p "$dir/deps/lib"
cp -r "$libs/include" "$dir/deps/include"
for name in libtensorflow_cc.so.2 libtensorflow.so libtensorflow.so.2 "libtensorflow.so.$expected"; do
  ln -s "$libs/lib/libtensorflow_cc.so.2" "$dir/deps/lib/$name"
done
for name in libtensorflow_framework.so.2 libtensorflow_framework.so "libtensorflow_framework.so.$expected"; do
  ln -s "$libs/lib/libtensorflow_framework.so.2" "$dir/deps/lib/$name"
done

# node-gyp must not try to download Node's headers: use the installed ones when they exist.
[ -f /usr/include/node/node_api.h ] && export npm_config_nodedir="${npm_config_nodedir:-/usr}"
export npm_config_build_from_source=true
log="$cache/tfjs-node-build.log"
if [ "$flavour" = gpu ]; then
  # tfjs-node-gpu's install script is `install.js gpu download`, which always downloads libtensorflow
  # (and fails offline): run its build step alone, against the libraries linked above.
  (bin="$PWD/node_modules/.bin" && cd "$dir" && PATH="$bin:$PATH" node scripts/install.js gpu) >"$log" 2>&1 || skip "build failed, see $log"
else
  npm rebuild "$pkg" --foreground-scripts >"$log" 2>&1 || skip "build failed, see $log"
fi
loads || skip "built but does not load, see $log"
echo "$pkg: built from source against $wheel $tf_version"
