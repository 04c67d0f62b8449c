# meshready: `make demo` lints the bundled charts-fixtures tree; `make test` runs every test.
GO      ?= go
BIN     := bin
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT  ?= $(shell git rev-parse HEAD 2>/dev/null)
# the commit also by ldflags: builds with -buildvcs=false record no vcs.revision
LDFLAGS := -X main.version=$(VERSION) -X main.commit=$(COMMIT)

.PHONY: build tools demo test test-short lint docs golden bench fuzz clean

build:
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN)/meshready ./cmd/meshready

# The helm and kustomize CLIs pinned by go.mod `tool` directives.
tools:
	$(GO) build -o $(BIN)/helm helm.sh/helm/v3/cmd/helm
	$(GO) build -o $(BIN)/kustomize sigs.k8s.io/kustomize/kustomize/v5

# Lint the demo charts built into the binary (meshready demo).
demo: build
	$(BIN)/meshready demo

# Every test: unit, Rego, golden, and the integration tests on ../shared/oom
# (they skip with a message when it is absent); then 200 generated inputs of every fuzz
# target: a count, not a time, because Go's -fuzztime clock also runs while the
# corpus is replayed, and on a loaded machine 3s ended there ("context
# deadline exceeded", a failure that says nothing about the code).
# internal/render is named first so that it starts first: it is the longest
# package (the whole-tree comparisons with the helm CLIs, run in parallel).
test: lint
	$(GO) test -count=1 -timeout 45m ./internal/render ./...
	./scripts/fuzz.sh $${FUZZTIME:-200x}

test-short: lint
	$(GO) test -short ./...

# Static checks: formatting, vet, and docs/rules.md in sync with the rules.
lint:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

docs: build
	$(BIN)/meshready rules --format markdown > docs/rules.md

# Rewrite every golden file from the tests' output with the repository's one
# -update flag (internal/testutil.Golden), in each package whose tests import
# internal/testutil; review `git diff` before committing.
golden:
	$(GO) test -count=1 -short $$($(GO) list -f '{{.ImportPath}}{{range .TestImports}} {{.}}{{end}}{{range .XTestImports}} {{.}}{{end}}' ./... | awk '/internal\/testutil( |$$)/{print $$1}') -update

bench: build tools
	./scripts/bench.sh

fuzz:
	./scripts/fuzz.sh $${FUZZTIME:-60s}

clean:
	rm -rf $(BIN)
