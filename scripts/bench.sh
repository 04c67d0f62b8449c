#!/usr/bin/env bash
# make bench: meshready against the pinned helm CLI, side by side in one run
# on one machine, over the real OOM trees in ../shared/oom. Prints wall
# seconds, peak RSS and ratios; shared machines are noisy, so compare the
# ratios of one run rather than absolute figures across runs.
#
#   (a) meshready lint TREE            vs  helm template over the same charts,
#   (b) meshready render TREE          vs  the same helm loop (issue: renderer speed),
#   (c) evaluation + source mapping as a share of render time (lint's own cost),
#   (d) the master `onap` umbrella with every component enabled,
#   (e) the Go benchmarks of the KRM function and the gate.
#
# The helm side renders charts vendored once by `meshready deps` (not timed).
set -uo pipefail
cd "$(dirname "$0")/.."
OOM=${OOM:-../shared/oom}
MR=${MR:-bin/meshready}
HELM=${HELM:-bin/helm}
CACHE=${CACHE:-bin/bench}
TREES=${TREES:-"master jakarta casablanca"}
APIS=networking.istio.io/v1,networking.istio.io/v1beta1,networking.istio.io/v1alpha3,security.istio.io/v1,security.istio.io/v1beta1
SET=(--set global.masterPassword=x)

if [ ! -d "$OOM" ]; then
  echo "bench: $OOM is absent (the real OOM trees sit beside the checkout); nothing to measure" >&2
  exit 1
fi
for b in "$MR" "$HELM"; do
  [ -x "$b" ] || { echo "bench: $b missing: run 'make build tools' (make bench does)" >&2; exit 1; }
done
mkdir -p "$CACHE"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# charts ROOT: the top-level charts, as meshready discovers them
charts() {
  for d in "$1"/*/; do
    d=${d%/}; n=$(basename "$d")
    [ -f "$d/Chart.yaml" ] || continue
    case $n in common|onap) continue ;; esac
    echo "$d"
  done
}

# timed OUTFILE CMD...: runs CMD, writes "seconds peakKB" to OUTFILE
timed() {
  local out=$1; shift
  /usr/bin/time -f "%e %M" -o "$out.raw" "$@" >/dev/null 2>"$tmp/stderr" || true
  tail -n 1 "$out.raw" > "$out" # GNU time notes a non-zero exit on a line of its own
}

# vendor TREE DIR...: vendor each chart once into $CACHE/TREE
vendor() {
  local tree=$1; shift
  mkdir -p "$CACHE/$tree"
  for c in "$@"; do
    n=$(basename "$c")
    [ -d "$CACHE/$tree/$n" ] || [ -f "$CACHE/$tree/$n.failed" ] && continue
    "$MR" deps "$c" --vendor "$CACHE/$tree" "${VENDOR_FLAGS[@]}" >/dev/null 2>"$CACHE/$tree/$n.failed" && rm -f "$CACHE/$tree/$n.failed"
  done
}

# helmloop TREE EXTRA...: helm template over every vendored chart; prints "seconds peakKB charts"
helmloop() {
  local tree=$1; shift
  local start end peak=0 n=0
  start=$(date +%s.%N)
  for v in "$CACHE/$tree"/*/; do
    /usr/bin/time -f "%M" -o "$tmp/rss" "$HELM" template onap "${v%/}" --namespace onap --api-versions "$APIS" "${SET[@]}" "$@" >/dev/null 2>&1
    r=$(tail -n 1 "$tmp/rss"); [ "$r" -gt "$peak" ] && peak=$r
    n=$((n + 1))
  done
  end=$(date +%s.%N)
  echo "$(echo "$end - $start" | bc) $peak $n"
}

ratio() { echo "scale=1; $1 / $2" | bc; }
mib() { echo $(( $1 / 1024 )); }

printf '%-12s %7s | %8s %7s | %8s %7s %7s | %8s %7s %7s | %s\n' tree charts "helm s" "MiB" "lint s" "MiB" "x" "render s" "MiB" "x" "eval+map / render"
VENDOR_FLAGS=()
for tree in $TREES; do
  root="$OOM/$tree/kubernetes"
  mapfile -t cs < <(charts "$root")
  vendor "$tree" "${cs[@]}"
  read -r hs hk hn < <(helmloop "$tree")
  MESHREADY_TIMINGS=1 timed "$tmp/lint" "$MR" lint "$root" "${SET[@]}" -o json -q --fail-on none
  read -r ls lk < "$tmp/lint"
  phases=$(grep '^timings:' "$tmp/stderr" | sed 's/^timings: //')
  timed "$tmp/render" "$MR" render "$root" "${SET[@]}"
  read -r rs rk < "$tmp/render"
  printf '%-12s %7s | %8s %7s | %8s %7s %7s | %8s %7s %7s | %s\n' "$tree" "$hn" "$hs" "$(mib "$hk")" "$ls" "$(mib "$lk")" "$(ratio "$hs" "$ls")" "$rs" "$(mib "$rk")" "$(ratio "$hs" "$rs")" "${phases:-n/a}"
done

# (d) the master umbrella with every component enabled. authentication's
# oauth2-proxy comes from an external repository and cannot be resolved
# offline, so the copy of the umbrella leaves that one dependency out.
master="$OOM/master/kubernetes"
if [ -d "$master/onap" ]; then
  um="$tmp/umbrella/onap"
  mkdir -p "$tmp/umbrella"
  cp -r "$master/onap" "$um"
  python3 - "$um/Chart.yaml" <<'PY'
import re, sys
p = sys.argv[1]
s = open(p).read()
s = re.sub(r"\n  - name: authentication\n(    .*\n)+?(?=  - name:)", "\n", s)
open(p, "w").write(s)
PY
  mapfile -t conds < <(grep -E '^\s+condition:' "$um/Chart.yaml" | sed -E 's/.*condition:\s*//' | tr -d "'\"")
  EN=()
  for c in "${conds[@]}"; do EN+=(--set "$c=true"); done
  if [ ! -d "$CACHE/umbrella/onap" ]; then
    rm -rf "$CACHE/umbrella"; mkdir -p "$CACHE/umbrella"
    "$MR" deps "$um" --vendor "$CACHE/umbrella" --chart-path "$master" --allow-outside-root >/dev/null
  fi
  timed "$tmp/hu" "$HELM" template onap "$CACHE/umbrella/onap" --namespace onap --api-versions "$APIS" "${SET[@]}" "${EN[@]}"
  read -r hus huk < "$tmp/hu"
  MESHREADY_TIMINGS=1 timed "$tmp/lu" "$MR" lint "$um" --chart-path "$master" --allow-outside-root "${SET[@]}" "${EN[@]}" -o json -q --fail-on none
  read -r lus luk < "$tmp/lu"
  phases=$(grep '^timings:' "$tmp/stderr" | sed 's/^timings: //')
  printf '%-12s %7s | %8s %7s | %8s %7s %7s | %8s %7s %7s | %s\n' "umbrella" "${#conds[@]}" "$hus" "$(mib "$huk")" "$lus" "$(mib "$luk")" "$(ratio "$hus" "$lus")" "-" "-" "-" "${phases:-n/a}"
fi

echo
echo "Go benchmarks (side by side in one process):"
go test -run '^$' -bench 'BenchmarkFn$|BenchmarkReadWriteOnly$' -benchtime 5x ./transform/krmfn/ 2>/dev/null | grep -E '^Benchmark' || true
go test -run '^$' -bench 'BenchmarkGateOneComponent' -benchtime 3x ./cmd/meshready/ 2>/dev/null | grep -E '^Benchmark' || true
