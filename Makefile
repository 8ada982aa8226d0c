# lblab: a load-balancing lab in one Go binary. See README.md.
GO ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
GOFMT ?= $(dir $(GO))gofmt
BIN := bin/lblab

.PHONY: run test bench build lint

run: ## start the lab with the live dashboard (ARGS="--algo leastconn" to pass flags)
	$(GO) run ./cmd/lblab $(ARGS)

build: ## build bin/lblab
	$(GO) build -o $(BIN) ./cmd/lblab

lint: ## gofmt and go vet
	@out=$$($(GOFMT) -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

test: lint ## lint, then every test with the race detector
	$(GO) test -race -count=1 -timeout 15m ./...

bench: ## hot-path benchmarks (5 runs each), then lblab vs HAProxy under load
	$(GO) test -run '^$$' -bench . -skip 'Load' -benchmem -count 5 ./...
	$(GO) test -run '^$$' -bench 'Load' -benchtime 1x -count 1 ./lab/
