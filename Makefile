# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
# Data sets are read from $SINBIN_DATA_DIR, ../shared/data beside the checkout by default.

NODE_STAMP := node_modules/.install-stamp

.PHONY: help install ui run up down test test-services test-unit test-e2e test-integration test-browser test-models deploy-check lint typecheck demo bench train data clean

help:
	@echo "make run     start the pipeline on the embedded runtime (no external services)"
	@echo "make test    install what is missing and run every test"
	@echo "make up      the real stack: Kafka broker, PostgreSQL, MinIO and MLflow as local processes, functions behind the topic connector"
	@echo "make down    stop what make up started"
	@echo "make demo    run the pipeline and replay real Dota 2 chat through it"
	@echo "make bench   benchmarks, JSON on stdout"
	@echo "make train   retrain the models (Python, models/)"
	@echo "make data    download the public data sets into SINBIN_DATA_DIR"

$(NODE_STAMP): package.json package-lock.json
	@# npm ci rejects this lock on npm 11 (optional platform packages of rollup are not listed), so install from it instead.
	npm install --no-audit --no-fund
	@touch $@

install: $(NODE_STAMP)

# The moderator UI: static files in ui/dist, served by the moderation function at / (any static host works).
ui: install
	npx vite build ui --logLevel warn

run: install ui
	npm start

# The real stack. Foreground like `make run`; `make down` (or Ctrl-C, then make down) stops the services.
up: install ui
	bash infra/local/kafka.sh start
	bash infra/local/postgres.sh start
	bash infra/local/minio.sh start
	bash infra/local/mlflow.sh start
	DATABASE_URL="$$(bash infra/local/postgres.sh url)" OBJECT_DIR="$(CURDIR)/.run/objects" \
	  S3_ENDPOINT="$$(bash infra/local/minio.sh url)" MINIO_CONSOLE_URL="$$(bash infra/local/minio.sh console)" \
	  S3_ACCESS_KEY="$${MINIO_ROOT_USER:-sinbin}" S3_SECRET_KEY="$${MINIO_ROOT_PASSWORD:-sinbin-dev-secret}" \
	  MLFLOW_TRACKING_URI="$$(bash infra/local/mlflow.sh url)" npx tsx runtime/src/stack/main.ts

down:
	-pkill -TERM -f runtime/src/stack/main.ts
	bash infra/local/mlflow.sh stop
	bash infra/local/minio.sh stop
	bash infra/local/kafka.sh stop
	bash infra/local/postgres.sh stop

typecheck: install
	npx tsc -p tsconfig.json --noEmit
	npx tsc -p ui/tsconfig.json --noEmit

lint: install
	npx eslint .

test-unit: install
	npx vitest run --project unit

test-e2e: install
	npx vitest run --project e2e

test-integration: install test-services
	npx vitest run --project integration

test-browser: install ui
	bash scripts/install-chromium.sh
	npx vitest run --config vitest.browser.config.ts

# Deployment artefacts: generated manifests, the AsyncAPI document and the typed client's OpenAPI sources must match the code.
deploy-check: install
	npx tsx scripts/deploy/manifests.ts --check
	npx tsx scripts/deploy/asyncapi.ts --check
	npx tsx scripts/api/openapi.ts --check
	bash scripts/check-scaffold.sh

# The training package's pure parts (pytest in a small cached venv; no torch).
test-models:
	bash models/test.sh

# MinIO (built from source) and MLflow's virtualenv are installed once, before the test runner starts.
test-services:
	bash infra/local/minio.sh install
	bash infra/local/mlflow.sh install

test: install typecheck lint deploy-check test-models ui test-services
	npx vitest run --project unit --project e2e --project integration
	bash scripts/install-chromium.sh
	npx vitest run --config vitest.browser.config.ts

demo: install
	bash scripts/demo.sh

bench: install
	npm run -s bench

train:
	bash models/train.sh

data:
	bash models/download-data.sh

clean:
	rm -rf .run node_modules
