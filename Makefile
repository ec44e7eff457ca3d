# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Data sets are read from $SINBIN_DATA_DIR, ../shared/data beside the checkout by default.

NODE_STAMP := node_modules/.install-stamp

.PHONY: help install cli ui run up down test test-tools test-unit test-e2e test-integration test-browser test-faults test-models deploy-check lint typecheck demo bench train data clean

# The local services of the real stack, in the order `make up` starts them; `make down` stops them in
# reverse. Each is infra/local/<name>.sh {install|start|stop|status}, its pid file and data under
# .run/<name>; the test runs stop every infra/local/*.sh service they started the same way.
LOCAL_SERVICES := kafka postgres minio mlflow
REVERSED_SERVICES := $(shell printf '%s\n' $(LOCAL_SERVICES) | tac)

help:
	@echo "make run     start the pipeline on the embedded runtime (no external services)"
	@echo "make test    install what is missing and run every test (scripts/run-tests.sh: stops what it started)"
	@echo "make up      the real stack: Kafka broker, PostgreSQL, MinIO and MLflow as local processes, functions behind the topic connector"
	@echo "make down    stop what make up started in this checkout (by pid files)"
	@echo "make test-faults  the fault suite on the real stack (npm run test:faults)"
	@echo "make demo    run the pipeline and replay real Dota 2 chat through it"
	@echo "make bench   benchmarks, JSON on stdout"
	@echo "make train   retrain the models (Python, models/)"
	@echo "make data    download the public data sets into SINBIN_DATA_DIR"

$(NODE_STAMP): package.json package-lock.json
	@# npm ci rejects this lock on npm 11 (optional platform packages of rollup are not listed), so install from it instead.
	npm install --no-audit --no-fund
	@touch $@

install: $(NODE_STAMP)

# classify's esbuild bundle (cli/bundle.ts, run from cli/sinbin.mjs): npm install builds it too;
# this rebuilds it after the sources changed (a stale bundle is skipped for tsx, slower to start).
cli: install
	npm run -s build:cli

# The moderator UI: static files in ui/dist, served by the moderation function at / (any static host works).
ui: install
	npx vite build ui --logLevel warn

run: install ui
	npm start

# The real stack. Foreground like `make run`; `make down` (or Ctrl-C, then make down) stops the services.
# Every function runs behind of-watchdog, built into ~/.cache/sinbin from the vendored source if missing.
up: install ui
	@set -e; for s in $(LOCAL_SERVICES); do bash infra/local/$$s.sh start; done
	OF_WATCHDOG_BIN="$$(bash scripts/deploy/install-tools.sh of-watchdog | cut -d' ' -f2)" \
	  DATABASE_URL="$$(bash infra/local/postgres.sh url)" OBJECT_DIR="$(CURDIR)/.run/objects" \
	  S3_ENDPOINT="$$(bash infra/local/minio.sh url)" MINIO_CONSOLE_URL="$$(bash infra/local/minio.sh console)" \
	  S3_ACCESS_KEY="$${MINIO_ROOT_USER:-sinbin}" S3_SECRET_KEY="$${MINIO_ROOT_PASSWORD:-sinbin-dev-secret}" \
	  MLFLOW_TRACKING_URI="$$(bash infra/local/mlflow.sh url)" npx tsx runtime/src/stack/main.ts

# Only this checkout's stack: each process by the pid file it wrote (infra/local/stack.sh), never by name.
down:
	bash infra/local/stack.sh stop
	@set -e; for s in $(REVERSED_SERVICES); do bash infra/local/$$s.sh stop; done

# What the test runners need besides node_modules, installed once before any of them starts (never
# from inside a test): the services' binaries, of-watchdog, faas-cli and kustomize, Debian's chromium.
test-tools:
	@set -e; for s in $(LOCAL_SERVICES); do bash infra/local/$$s.sh install; done
	bash scripts/deploy/install-tools.sh >/dev/null
	bash scripts/install-chromium.sh

typecheck: install
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p ui/tsconfig.json --noEmit

lint: install
	npx eslint .

test-unit: install
	npx vitest run --project unit

test-e2e: install
	npx vitest run --project e2e

test-integration: install test-tools
	npx vitest run --project integration

test-browser: install ui test-tools
	npx vitest run --config vitest.browser.config.ts

# The fault suite on the real stack (SINBIN_FAULTS=ci for the short variant that make test runs).
test-faults: install test-tools
	bash scripts/run-tests.sh faults-full

# Deployment artefacts: the capacity plan (docs/capacity.*, recomputed from its committed inputs), generated manifests, the AsyncAPI document and the typed client's OpenAPI sources must match the code.
deploy-check: install
	npx tsx scripts/capacity/main.ts --check
	npx tsx scripts/deploy/manifests.ts --check
	npx tsx scripts/deploy/asyncapi.ts --check
	npx tsx scripts/api/openapi.ts --check
	bash scripts/check-scaffold.sh

# The training package's pure parts (pytest in a small cached venv; no torch).
test-models:
	bash models/test.sh

# The checks, then scripts/run-tests.sh: vitest (unit, e2e, integration), the browser tests and the
# short fault suite, each stage's leftovers stopped by pid file and process group, pass or fail; a
# failed run ends with the failing tests' names and errors.
test: install typecheck lint deploy-check test-models ui test-tools
	bash scripts/run-tests.sh

demo: install
	bash scripts/demo.sh

bench: install cli
	npm run -s bench

train:
	bash models/train.sh

data:
	bash models/download-data.sh

clean:
	rm -rf .run node_modules
