# leakhound — the two commands a newcomer needs:
#   make demo   build leakhound and scan its built-in vulnerable API
#   make test   install what the tests need, then run every test

GO      ?= go
BIN     := bin/leakhound
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS := -s -w -X github.com/leakhound/leakhound/internal/cli.Version=$(VERSION)
export CGO_ENABLED ?= 0

include examples/flask-dynamodb/example.mk

.PHONY: all build demo test unit lint lint-install bench clean browser-install curl-install fuzz fuzz-short

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/leakhound

# The demo exits 1 because it finds what it is meant to find.
demo: build
	@./$(BIN) demo; code=$$?; [ $$code -eq 0 ] || [ $$code -eq 1 ]

# golangci-lint (configured in .golangci.yaml: the standard linters, gofmt,
# spelling) is installed from the Go module proxy when missing or not v2.
GOLANGCI_LINT_VERSION := v2.15.0
GOBIN_DIR := $(shell $(GO) env GOBIN)
ifeq ($(GOBIN_DIR),)
GOBIN_DIR := $(shell $(GO) env GOPATH)/bin
endif

lint-install:
	@{ command -v golangci-lint >/dev/null 2>&1 && golangci-lint version 2>/dev/null | grep -q 'version 2\.'; } || \
	  { [ -x "$(GOBIN_DIR)/golangci-lint" ] && "$(GOBIN_DIR)/golangci-lint" version 2>/dev/null | grep -q 'version 2\.'; } || { \
	    echo "install: golangci-lint $(GOLANGCI_LINT_VERSION) (go install)" >&2; \
	    $(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_LINT_VERSION); }

lint: lint-install
	@lint=golangci-lint; command -v golangci-lint >/dev/null 2>&1 && golangci-lint version 2>/dev/null | grep -q 'version 2\.' || lint="$(GOBIN_DIR)/golangci-lint"; \
	  $$lint run ./...

# The HTML report test drives a headless Chromium (Debian: chromium); it
# skips without one. Installs it only when missing and apt-get exists.
browser-install:
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || \
	  ! command -v apt-get >/dev/null 2>&1 || { \
	    sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	    echo "install: apt-get install chromium fonts-liberation" >&2; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends chromium fonts-liberation >&2; }

# The reproduction test runs the demo's curl lines in bash (Debian: curl);
# it skips without them. Installs curl only when missing and apt-get exists.
curl-install:
	@command -v curl >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || { \
	    sudo=""; [ "$$(id -u)" -eq 0 ] || sudo="sudo"; \
	    echo "install: apt-get install curl" >&2; \
	    $$sudo apt-get update -qq && \
	    DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends curl >&2; }

unit: browser-install curl-install example-install
	# The race detector slows the command-line package (which scans the
	# hostile servers in child processes) past go test's default 10 minutes
	# on a busy 2-CPU machine: the timeout is raised, not the work hidden.
	CGO_ENABLED=1 $(GO) test -race -count=1 -timeout 40m ./...
	# Memory budgets are measured without the race detector, which inflates
	# the heap several times over.
	$(GO) test -count=1 -timeout 20m -run 'Budget' ./...

# Every fuzz target of the repository (found by name, so a new one joins
# without editing this file) runs for FUZZTIME: `make fuzz` for a real
# session, `make fuzz-short` (1s each, about 25s in all) in `make test`.
# `go test` already runs each target's seed corpus as a plain test.
FUZZTIME ?= 60s
fuzz:
	@set -e; for f in $$(grep -rl --include='*_test.go' '^func Fuzz' internal cmd 2>/dev/null | sort); do \
	  for n in $$(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' $$f); do \
	    echo "fuzz ./$$(dirname $$f) $$n for $(FUZZTIME)"; \
	    $(GO) test ./$$(dirname $$f) -run '^$$' -fuzz "^$$n\$$" -fuzztime $(FUZZTIME); \
	  done; done

fuzz-short:
	@$(MAKE) --no-print-directory fuzz FUZZTIME=1s

# The README's test command: also installs what the e2e suite needs.
test: lint unit fuzz-short e2e

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

clean:
	rm -rf bin
