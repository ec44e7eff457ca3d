# The two commands a newcomer needs: `make run` and `make test`. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help
export TOXMOD_DATA_DIR ?= $(abspath ../shared/data)

NODE_STAMP := node_modules/.install-stamp

.PHONY: help install run test test-unit test-e2e lint typecheck demo bench train data clean

help:
	@echo "make run     start the pipeline on the embedded runtime (no external services)"
	@echo "make test    install what is missing and run every test"
	@echo "make demo    run the pipeline and replay real Dota 2 chat through it"
	@echo "make bench   benchmarks, JSON on stdout"
	@echo "make train   retrain the models (Python, models/)"
	@echo "make data    download the public data sets into TOXMOD_DATA_DIR"

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(NODE_STAMP)

run: install
	npm start

typecheck: install
	npx tsc -p tsconfig.json --noEmit

lint: install
	npx eslint .

test-unit: install
	npx vitest run --project unit

test-e2e: install
	npx vitest run --project e2e

test: install typecheck lint
	npx vitest run --project unit --project e2e

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
