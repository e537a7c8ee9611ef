#!/usr/bin/env bash
# Installs what the chart's test needs, offline after the first run, and prints one status line:
#   - helm and kubeconform, built with `go install` at pinned versions into ~/.cache/slab/bin;
#   - kubeconform's schema layout for Kubernetes $K8S_VERSION in ~/.cache/slab/k8s-schemas, converted
#     (src/k8s-schemas.ts) from the API's OpenAPI document in the k8s.io/kubernetes module, which
#     `go mod download` fetches from the Go module proxy.
# Idempotent: each piece is skipped when present. Exits non-zero, naming the piece, when one cannot
# be had; scripts/setup.sh reports that and goes on (the chart test then fails saying what is missing).
set -euo pipefail
cd "$(dirname "$0")"

HELM_VERSION="v3.22.0"
KUBECONFORM_VERSION="v0.7.0"
K8S_VERSION="${SLAB_K8S_VERSION:-1.34.2}"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/slab"
bin="$cache/bin"
schemas="$cache/k8s-schemas"

[ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"
need_go() { command -v go >/dev/null 2>&1 || { echo "go is required to build $1" >&2; exit 1; }; }

# `helm version --template` prints v3.22.0 for a release build; a `go install` build carries no ldflags
# and reports the module's default, so the binary's module version is read with `go version -m`.
built_version() { go version -m "$1" 2>/dev/null | awk '$1 == "mod" { print $3; exit }'; }

install_tool() { # name module version
  local name=$1 module=$2 version=$3
  if [ -x "$bin/$name" ] && [ "$(built_version "$bin/$name")" = "$version" ]; then return 0; fi
  need_go "$name $version"
  mkdir -p "$bin"
  echo "building $name $version into $bin ..." >&2
  GOBIN="$bin" GOFLAGS=-buildvcs=false go install "$module@$version" >&2 || { echo "go install $module@$version failed" >&2; exit 1; }
}

install_tool helm helm.sh/helm/v3/cmd/helm "$HELM_VERSION"
install_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform "$KUBECONFORM_VERSION"

out="$schemas/v$K8S_VERSION-standalone-strict"
if [ ! -f "$out/.complete" ]; then
  need_go "the Kubernetes $K8S_VERSION schemas"
  dir=$(cd /tmp && go mod download -json "k8s.io/kubernetes@v$K8S_VERSION" | node -e 'let s="";process.stdin.on("data",(d)=>s+=d).on("end",()=>{const m=JSON.parse(s);if(m.Error){console.error(m.Error);process.exit(1)}console.log(m.Dir)})') ||
    { echo "go mod download k8s.io/kubernetes@v$K8S_VERSION failed" >&2; exit 1; }
  swagger="$dir/api/openapi-spec/swagger.json"
  [ -f "$swagger" ] || { echo "$swagger is missing from the module" >&2; exit 1; }
  rm -rf "$out"
  node --import tsx src/k8s-schemas.ts "$swagger" "$schemas" "$K8S_VERSION" >/dev/null
  touch "$out/.complete"
fi

echo "helm $HELM_VERSION, kubeconform $KUBECONFORM_VERSION, Kubernetes $K8S_VERSION schemas in $bin and $schemas"
