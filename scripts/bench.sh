#!/usr/bin/env bash
# make bench: meshready against the pinned helm CLI, side by side in one run
# on one machine, over the real OOM trees in ../shared/oom. Prints wall
# seconds, peak RSS and ratios; shared machines are noisy, so compare the
# ratios of one run rather than absolute figures across runs.
#
#   (a) meshready lint TREE            vs  helm template over the same charts,
#   (b) meshready render TREE          vs  the same helm loop (issue: renderer speed),
#   (c) evaluation + source mapping as a share of render time (lint's own cost),
#   (d) the master `onap` umbrella with every component enabled: helm template
#       of the vendored umbrella against meshready lint and meshready render,
#   (e) the Go benchmarks of the KRM function and the gate.
#
# The helm side renders charts vendored once by `meshready deps` (not timed).
# Every figure is the median of REPEAT (3) interleaved runs.
# TREES="casablanca" limits the trees, UMBRELLA=0 skips (d), GOBENCH=0 skips (e).
set -uo pipefail
cd "$(dirname "$0")/.."
OOM=${OOM:-../shared/oom}
MR=${MR:-bin/meshready}
HELM=${HELM:-bin/helm}
CACHE=${CACHE:-bin/bench}
TREES=${TREES:-"master jakarta casablanca"}
REPEAT=${REPEAT:-3}
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

# median FILE: the line of FILE ("seconds ...") with the median seconds. Every
# measurement runs REPEAT times, interleaved with the others, so a moment of
# load on a shared machine moves one sample, not the figure.
median() {
  local n
  n=$(wc -l < "$1")
  sort -n -k1,1 "$1" | sed -n "$(( (n + 1) / 2 ))p"
}

# sample OUTFILE CMD...: timed CMD, appending "seconds peakKB timings" to OUTFILE
# (timings: its MESHREADY_TIMINGS line, spaces as ~)
sample() {
  local out=$1; shift
  MESHREADY_TIMINGS=1 timed "$tmp/one" "$@"
  echo "$(cat "$tmp/one") $(grep '^timings:' "$tmp/stderr" | tr ' ' '~')" >> "$out"
}

ratio() { echo "scale=1; $1 / $2" | bc; }
mib() { echo $(( $1 / 1024 )); }

# row TREE CHARTS HELM_S HELM_KB LINT_S LINT_KB RENDER_S RENDER_KB LINT_TIMINGS RENDER_TIMINGS
row() {
  local lr lem xr
  lr=$(sed -nE 's/.*render ([0-9.]+)s.*/\1/p' <<<"$9")
  lem=$(sed -nE 's/.*evaluate ([0-9.]+)s, map ([0-9.]+)s.*/\1 + \2/p' <<<"$9" | bc)
  [ -n "$lem" ] && lem=$(printf %.2f "$lem")
  xr=$(sed -nE 's/.*render ([0-9.]+)s.*/\1/p' <<<"${10}")
  printf '%-10s %6s | %7s %5s | %6s %5s %5s | %7s %5s %5s | %6s %6s %6s | %6s %6s\n' "$1" "$2" \
    "$(printf %.2f "$3")" "$(mib "$4")" "$(printf %.2f "$5")" "$(mib "$6")" "$(ratio "$3" "$5")" \
    "$(if [ "$7" = - ]; then echo -; else printf %.2f "$7"; fi)" "$(if [ "$8" = - ]; then echo -; else mib "$8"; fi)" "$(if [ "$7" = - ]; then echo -; else ratio "$3" "$7"; fi)" \
    "${lem:--}" "${lr:--}" "${xr:--}" "$(pct "$lem" "$lr")" "$(pct "$lem" "$xr")"
}
pct() { if [ -n "$1" ] && [ -n "$2" ]; then printf '%.1f%%' "$(echo "scale=3; 100 * $1 / $2" | bc)"; else echo -; fi; }

echo "Wall seconds and peak RSS of one process per tree (meshready) against the helm CLI loop over"
echo "the same charts vendored; x = helm/meshready. Lint's own cost: evaluation + source mapping,"
echo "summed over charts, against the render time of the same tree in the same units (per-chart"
echo "render time summed over workers): lint mode's render in that lint run, and Helm's exact"
echo "render in the meshready render run."
printf '%-10s %6s | %7s %5s | %6s %5s %5s | %7s %5s %5s | %6s %6s %6s | %6s %6s\n' tree charts "helm s" MiB "lint s" MiB x "render" MiB x "e+m s" "lint-r" "exact" "/lintr" "/exact"
VENDOR_FLAGS=()
for tree in $TREES; do
  root="$OOM/$tree/kubernetes"
  mapfile -t cs < <(charts "$root")
  vendor "$tree" "${cs[@]}"
  rm -f "$tmp"/{h,l,r}
  for _ in $(seq "$REPEAT"); do
    helmloop "$tree" >> "$tmp/h"
    sample "$tmp/l" "$MR" lint "$root" "${SET[@]}" -o json -q --fail-on none
    sample "$tmp/r" "$MR" render "$root" "${SET[@]}"
  done
  read -r hs hk hn < <(median "$tmp/h")
  read -r ls lk phases < <(median "$tmp/l")
  read -r rs rk rphases < <(median "$tmp/r")
  row "$tree" "$hn" "$hs" "$hk" "$ls" "$lk" "$rs" "$rk" "${phases//\~/ }" "${rphases//\~/ }"
  [ "$tree" = master ] && master_lint=$ls
done

# (d) the master umbrella with every component enabled. authentication's
# oauth2-proxy comes from an external repository and cannot be resolved
# offline, so the copy of the umbrella leaves that one dependency out.
master="$OOM/master/kubernetes"
if [ -d "$master/onap" ] && [ "${UMBRELLA:-1}" != 0 ]; then
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
  rm -f "$tmp"/{hu,lu,ru}
  for _ in $(seq "$REPEAT"); do
    sample "$tmp/hu" "$HELM" template onap "$CACHE/umbrella/onap" --namespace onap --api-versions "$APIS" "${SET[@]}" "${EN[@]}"
    sample "$tmp/lu" "$MR" lint "$um" --chart-path "$master" --allow-outside-root "${SET[@]}" "${EN[@]}" -o json -q --fail-on none
    sample "$tmp/ru" "$MR" render "$um" --chart-path "$master" --allow-outside-root "${SET[@]}" "${EN[@]}"
  done
  read -r hus huk _ < <(median "$tmp/hu")
  read -r lus luk phases < <(median "$tmp/lu")
  read -r rus ruk rphases < <(median "$tmp/ru")
  row umbrella "${#conds[@]}" "$hus" "$huk" "$lus" "$luk" "$rus" "$ruk" "${phases//\~/ }" "${rphases//\~/ }"
fi

# (f) the fixer on the whole master tree (one run, nothing written: it
# renders every variant and self-checks), and what its cross-chart port
# evidence costs: reading the client URLs of the whole tree, once per run
# (BenchmarkTreeURLs), against one lint of the tree (row above). FIX=0 skips.
if [ -d "$master" ] && [ "${FIX:-1}" != 0 ]; then
  echo
  timed "$tmp/fix" "$MR" fix "$master" "${SET[@]}"
  read -r fs fk < "$tmp/fix"
  printf 'fix master (whole tree, no write): %.2f s, %s MiB\n' "$fs" "$(mib "$fk")"
  b=$(go test -run '^$' -bench 'BenchmarkTreeURLs$' -benchtime 3x ./internal/mesh/ 2>/dev/null | grep -E '^Benchmark')
  echo "$b"
  ns=$(awk '{print $3}' <<<"$b")
  if [ -n "$ns" ] && [ -n "${master_lint:-}" ]; then
    ev=$(echo "scale=3; $ns / 1000000000" | bc)
    printf 'cross-chart evidence (client URLs of the whole master tree, once per fix run): %.2f s = %s of one lint of master (%.2f s)\n' \
      "$ev" "$(pct "$ev" "$master_lint")" "$master_lint"
  fi
fi

[ "${GOBENCH:-1}" = 0 ] && exit 0
echo
echo "Go benchmarks (side by side in one process):"
go test -run '^$' -bench 'BenchmarkFn$|BenchmarkReadWriteOnly$' -benchtime 5x ./transform/krmfn/ 2>/dev/null | grep -E '^Benchmark' || true
go test -run '^$' -bench 'BenchmarkGateOneComponent' -benchtime 3x ./cmd/meshready/ 2>/dev/null | grep -E '^Benchmark' || true
