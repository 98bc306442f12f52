# The Flask + DynamoDB example and the end-to-end suite. Include it from the
# top-level Makefile (after BIN and GO are set):
#
#   include examples/flask-dynamodb/example.mk
#
#   make example-up [MODE=fixed]    start dynalite + seed + Flask on loopback
#   make example-down [MODE=fixed]  stop them (by PID)
#   make example-selftest [MODE=…]  check the running example has its flaws/remedies
#   make e2e                        scan both modes of every example in
#                                   E2E_EXAMPLES, compare with expected.json

EXAMPLE_DIR ?= examples/flask-dynamodb
MODE        ?= vulnerable
GO          ?= go
BIN         ?= bin/leakhound
E2E_FLAGS   ?=
# The examples the e2e suite scans: each has scripts/ (install, up, down,
# selftest) and expected.json, and traps.json when it has traps.
E2E_EXAMPLES ?= examples/flask-dynamodb examples/lambda-dynamodb
# lambda-dynamodb's ground truth was written blind: the suite fails when the
# scanner finds less of it than it does today (15 of 16), or on any trap or
# fixed-mode false positive; the misses it prints are the known gaps. The
# one miss is user enumeration on POST /password/reset: "reset" is a
# never-send word of the safety policy, in every mode (docs/safety.md).
E2E_LAMBDA_MIN_RECALL ?= 0.9375
# The GraphQL example is scanned with its schema given as a file
# (--graphql-schema, the SDL printed from the app's graphene schema), as its
# developers would: its fixed mode turns introspection and suggestions off,
# so without the file a scan of it is rightly incomplete (exit 4, nothing to
# test). Discovery and introspection are tested by the scan tests (the wild
# graphql API). GRAPHQL_E2E_WRITES=--allow-write also probes its mutations
# (write BOLA, bfla, mass assignment, login enumeration).
GRAPHQL_EXAMPLE    ?= examples/flask-graphql
GRAPHQL_E2E_WRITES ?=

.PHONY: example-install example-up example-down example-selftest e2e

# Installs only what is missing (Debian python3 packages, dynalite via npm ci).
example-install:
	@bash $(EXAMPLE_DIR)/scripts/install.sh

example-up: example-install
	@MODE=$(MODE) bash $(EXAMPLE_DIR)/scripts/up.sh

example-down:
	@MODE=$(MODE) bash $(EXAMPLE_DIR)/scripts/down.sh

e2e: build
	@rc=0; for ex in $(E2E_EXAMPLES); do \
		bash $$ex/scripts/install.sh || exit 1; \
		floor=1; case $$ex in */lambda-dynamodb) floor=$(E2E_LAMBDA_MIN_RECALL);; esac; \
		$(GO) run ./$(EXAMPLE_DIR)/e2e -bin $(BIN) -example $$ex -min-recall $$floor $(E2E_FLAGS) || rc=1; \
	done; \
	if [ -n "$(GRAPHQL_EXAMPLE)" ]; then \
		bash $(GRAPHQL_EXAMPLE)/scripts/install.sh && mkdir -p $(GRAPHQL_EXAMPLE)/.run && \
		(cd $(GRAPHQL_EXAMPLE)/app && PYTHONDONTWRITEBYTECODE=1 APP_MODE=fixed $${LEAKHOUND_EXAMPLE_PYTHON:-/usr/bin/python3} -c 'import schema; print(schema.schema)') >$(GRAPHQL_EXAMPLE)/.run/schema.graphql && \
		$(GO) run ./$(EXAMPLE_DIR)/e2e -bin $(BIN) -example $(GRAPHQL_EXAMPLE) -reports $(GRAPHQL_EXAMPLE)/.run/e2e-schema \
			-scan-args "--graphql-schema $(GRAPHQL_EXAMPLE)/.run/schema.graphql $(GRAPHQL_E2E_WRITES)" $(E2E_FLAGS) || rc=1; \
	fi; exit $$rc

# Checks that the running example (MODE) has its flaws or its remedies.
example-selftest:
	@$${LEAKHOUND_EXAMPLE_PYTHON:-/usr/bin/python3} $(EXAMPLE_DIR)/scripts/selftest.py $(MODE)
