#!/usr/bin/env bash
# make fuzz: run every fuzz target for FUZZTIME each (default 60s; a count
# such as 200x runs that many inputs, as make test does), one
# after the other. Crashers land in the package's testdata/fuzz/ folder and
# from then on run as regression tests with every `go test`.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-60s}
targets=(
  "./internal/resource FuzzParse"
  "./internal/resource FuzzParsePath"
  "./internal/resource FuzzFastYAML"
  "./internal/fastyaml FuzzParse"
  "./internal/config FuzzParse"
  "./internal/sourcemap FuzzLocate"
  "./internal/sourcemap FuzzValuesRefs"
  "./internal/charttree FuzzDependencies"
  "./transform/krmfn FuzzResourceList"
  "./transform/fix FuzzValuesInsert"
  "./transform/fix FuzzTemplatePatch"
  "./rules FuzzPolicyLoad"
  "./internal/resource FuzzFlattenList"
  "./internal/gate FuzzReadList"
)
for tg in "${targets[@]}"; do
  set -- $tg
  if ! grep -qs "func $2(" "$1"/*_test.go; then
    echo "fuzz: $1 has no $2" >&2
    exit 1
  fi
  echo "fuzz: $1 $2 for $t"
  go test -run '^$' -fuzz "^$2\$" -fuzztime "$t" -parallel "${FUZZ_PARALLEL:-2}" "$1"
done
