# Orkestra. `make run` brings up a local cluster and runs Orkestra with the examples;
# `make test` runs every check. Both do their own setup on a fresh machine.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

# Node 24 comes from the `node` package in devDependencies; the system Node only runs npm ci.
NODE_BIN := $(CURDIR)/node_modules/.bin
export PATH := $(NODE_BIN):$(PATH)
NODE := $(NODE_BIN)/node
STATE_DIR := .orkestra
KUBECONFIG_FILE := $(STATE_DIR)/kubeconfig
KUBECTL := kubectl --kubeconfig $(KUBECONFIG_FILE)
# Where `make run` serves /metrics, the probes and the Control Center.
UI_PORT ?= 8080

UNIT_TESTS := 'api-types/**/*.test.ts' 'controller/**/*.test.ts' 'bench/**/*.test.ts'
E2E_TESTS := 'e2e/**/*.test.ts'

.PHONY: help
help: ## list targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@$(NODE) --version | grep -q '^v24\.' || { echo "node_modules/.bin/node is not Node 24" >&2; exit 1; }
	@touch $@

# The controller as one minified bundle with source maps (controller/cli/bundle.ts); bin/orkestra
# and the image run it, and it is rebuilt whenever a source or the dependencies change.
BUNDLE := dist/orkestra/main.js
BUNDLE_SOURCES := $(shell find controller api-types -name '*.ts' -not -name '*.test.ts' 2>/dev/null)
$(BUNDLE): node_modules/.installed $(BUNDLE_SOURCES)
	$(NODE) controller/cli/bundle.ts

.PHONY: deps
deps: node_modules/.installed $(BUNDLE) ## install npm dependencies (Node 24 included) and build the controller bundle

.PHONY: bundle
bundle: $(BUNDLE) ## build the controller bundle dist/orkestra (part of deps)

.PHONY: ui
ui: deps ## rebuild the Control Center bundle (controller/ui/assets, committed) from controller/ui/app
	$(NODE) controller/ui/build.ts

# The browser tests drive Debian's Chromium (no browser download). Installed here when missing
# and we may; otherwise the target fails with the command to run. It never skips.
CHROMIUM := /usr/bin/chromium
.PHONY: chromium
chromium: ## find or install Debian's chromium for the Control Center browser tests
	@if [ ! -x $(CHROMIUM) ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing chromium (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	fi
	@[ -x $(CHROMIUM) ] || { echo "$(CHROMIUM) not found: run 'sudo apt-get update && sudo apt-get install -y chromium'" >&2; exit 1; }

.PHONY: binaries
binaries: ## build (or find cached) etcd, kube-apiserver, kube-controller-manager; helm, kstatus, lua-health
	bash e2e/binaries/build.sh
	bash e2e/binaries/build-gitops.sh

.PHONY: oracle
oracle: ## build (or find cached) the Go text/template + Sprig oracle the template tests compare with
	bash controller/render/template/oracle/build.sh

.PHONY: registry-binaries
registry-binaries: ## build (or find cached) the CNCF Distribution registry and oras for the registry tests
	bash e2e/binaries/build-tool.sh registry
	bash e2e/binaries/build-tool.sh oras

.PHONY: gen
gen: deps ## regenerate crds/ from api-types/
	$(NODE) api-types/generate.ts

.PHONY: lint
lint: deps audit ## lint and format check, and npm audit of runtime dependencies
	biome ci .

# High and critical advisories in runtime dependencies fail the build. npm asks the registry's
# bulk advisory endpoint; where that cannot be reached (some registry mirrors answer 405), the
# target says plainly that nothing was checked instead of passing as clean. AUDIT=required makes
# an unreachable endpoint an error too (for CI with full registry access).
AUDIT ?= best-effort
.PHONY: audit
audit: deps ## npm audit --omit=dev --audit-level=high (says so when the advisory endpoint is unreachable)
	@rc=0; out=$$(npm audit --omit=dev --audit-level=high --json 2>/dev/null) || rc=$$?; \
	verdict=$$(printf '%s' "$$out" | $(NODE) -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>{let j;try{j=JSON.parse(t)}catch{console.log("unreadable");return}if(j.metadata?.vulnerabilities){const v=j.metadata.vulnerabilities;console.log(`found high=$${v.high} critical=$${v.critical}`)}else console.log(`unreachable $${j.statusCode??""} $${j.message??j.error?.summary??""}`)})'); \
	case "$$rc:$$verdict" in \
	  0:found*) echo "npm audit: no high or critical advisories in runtime dependencies ($$verdict)";; \
	  *:found*) npm audit --omit=dev --audit-level=high || true; echo "npm audit: $$verdict" >&2; exit 1;; \
	  *) echo "npm audit: NOT CHECKED, the advisory endpoint could not be used: $$verdict" >&2; \
	     if [ "$(AUDIT)" = required ]; then exit 1; fi;; \
	esac

.PHONY: format
format: deps ## apply formatting and safe lint fixes
	biome check --write .

.PHONY: typecheck
typecheck: deps
	tsc -p .
	tsc -p controller/ui/app

.PHONY: test-unit
test-unit: deps oracle
	$(NODE) --test --test-reporter=spec $(UNIT_TESTS)

.PHONY: test-e2e
test-e2e: deps binaries registry-binaries chromium ## end-to-end tests against one shared local control plane
	$(NODE) e2e/control-plane/cli.ts exec -- $(NODE) --test --test-reporter=spec --test-concurrency=1 $(E2E_TESTS)

.PHONY: test
test: lint typecheck test-unit test-e2e ## every check: lint, types, unit, e2e

.PHONY: bench
bench: deps binaries ## Orkestra vs kro vs a plain-client floor (builds kro once; long with kro; docs/bench.md)
	$(NODE) bench/bench.ts $(BENCH_ARGS)

.PHONY: hostile-slowdown
hostile-slowdown: deps binaries ## a healthy box's slow-down while hostile custom resources are handled (target <= 2x; medians, with the load average)
	$(NODE) e2e/control-plane/cli.ts exec -- $(NODE) bench/hostile-slowdown.ts $(HOSTILE_ARGS)

.PHONY: chaos
chaos: deps binaries ## fault injection against fresh local control planes (prints a table; < 20 min)
	$(NODE) e2e/chaos/run.ts $(CHAOS_ARGS)
	@echo "sharded failover: one of four replicas SIGKILLed, 10 times (16 boxes: a Katalog holds at most 32, and 32 did not all start within 3 min at load 34)"
	$(NODE) bench/replicas.ts --failover --replicas 4 --kills 10 --boxes 16

.PHONY: cluster-up
cluster-up: deps binaries ## start the local control plane in the background; writes .orkestra/kubeconfig
	$(NODE) e2e/control-plane/cli.ts up --state-dir $(STATE_DIR)

.PHONY: cluster-down
cluster-down: deps ## stop the local control plane
	$(NODE) e2e/control-plane/cli.ts down --state-dir $(STATE_DIR)

.PHONY: run
run: cluster-up registry-up ## local cluster and registry + CRDs + examples, then the controller in the foreground (Ctrl-C stops it)
	$(KUBECTL) apply --server-side -f crds/
	$(KUBECTL) wait --for=condition=Established --timeout=60s -f crds/
	$(KUBECTL) apply --server-side -R -f examples/crds/
	$(KUBECTL) wait --for=condition=Established --timeout=60s -R -f examples/crds/
	$(KUBECTL) apply --server-side -f examples/katalogs/
	bin/orkestra push examples/oci/cache-platform.yaml oci://$$(cat $(STATE_DIR)/registry)/examples/cache-platform:1.0.0 --plain-http
	sed "s|REGISTRY|$$(cat $(STATE_DIR)/registry)|" examples/komposers/caches.yaml.tmpl | $(KUBECTL) apply --server-side -f -
	$(KUBECTL) apply --server-side -f examples/komposers/
	$(KUBECTL) apply --server-side -f examples/resources/
	@echo
	@echo "Local cluster is up; Orkestra starts below (JSON logs). In another shell:"
	@echo "  export KUBECONFIG=$(CURDIR)/$(KUBECONFIG_FILE)"
	@echo "  kubectl get katalogs"
	@echo "  kubectl describe katalog web-platform"
	@echo "  kubectl get komposers"
	@echo "Stop the controller with Ctrl-C, the cluster and registry with: make cluster-down registry-down"
	@echo
	@echo "Control Center (read-only, live): http://127.0.0.1:$(UI_PORT)/"
	@echo
	exec bin/orkestra run --kubeconfig $(KUBECONFIG_FILE) --listen 127.0.0.1:$(UI_PORT)

.PHONY: registry-up
registry-up: deps ## start the local OCI registry (CNCF Distribution, plain HTTP) in the background; writes .orkestra/registry
	$(NODE) e2e/registry/cli.ts up --state-dir $(STATE_DIR)

# The controller image as an OCI layout, written without Docker (deploy/image/build.ts), pushed to
# the local registry with oras, pulled back and checked digest by digest, then run unpacked.
IMAGE_LAYOUT := $(STATE_DIR)/image
.PHONY: image
image: registry-up $(BUNDLE) ## build the controller image (OCI layout, no Docker), push it to the local registry, pull it back, run it
	$(NODE) deploy/image/build.ts --out $(IMAGE_LAYOUT)
	$(NODE) deploy/image/publish.ts --layout $(IMAGE_LAYOUT) --plain-http \
	  --ref $$(cat $(STATE_DIR)/registry)/orkestra:$$($(NODE) -p 'require("./package.json").version') \
	  --oras $$(bash e2e/binaries/build-tool.sh oras)
	$(NODE) deploy/image/rootfs.ts $(IMAGE_LAYOUT) -- --help >/dev/null
	@echo "the unpacked image runs: orkestra --help exits 0"

.PHONY: registry-down
registry-down: deps ## stop the local OCI registry and remove its storage
	$(NODE) e2e/registry/cli.ts down --state-dir $(STATE_DIR)
