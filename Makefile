# Following the Flow: every command sets up .venv itself on a fresh machine (Python 3.11).
#   make book   build the HTML book into _build/html (executes every notebook)
#   make test   unit tests, notebook tests (nbval) and the browser test of the built book
#   make lab    open the notebooks in JupyterLab
# Maintainers: make notebooks (re-execute and save the committed notebooks), make fold (fold
#   check cells, _ext/fold.py), make lint,
#   make bench (benchmarks/, not part of the tests), make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   := _build/html/index.html
# The book's arrays are small: BLAS threads only add synchronisation, and when the machine is
# busy they slow the per-step products of a training loop about 30-fold (measured). Benchmarks
# (make bench) keep the default thread count.
BOOKENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

JB     := $(BOOKENV) $(BIN)/jupyter-book build . -W -n --keep-going
# Everything the built book depends on: a change to any of these makes it stale.
SOURCES := _config.yml _toc.yml references.bib requirements.txt pyproject.toml \
           $(wildcard chapters/*.md chapters/*.ipynb lstmkit/*.py lstmkit/*/*.py)

.PHONY: book test lab notebooks fold lint bench clean venv

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@touch $@

book: $(STAMP)
	$(JB)
	@touch $(BOOK)
	@echo "The book is at $(CURDIR)/$(BOOK)"

# The tests read the built book, so rebuild it first when any source is newer.
$(BOOK): $(STAMP) $(SOURCES)
	$(JB)
	@touch $@

test: $(STAMP) $(BOOK)
	$(BOOKENV) LSTMKIT_STATIC_FRAMES=0 $(BIN)/python -m pytest tests chapters --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=300

lab: $(STAMP)
	$(BOOKENV) $(BIN)/jupyter lab chapters

notebooks: $(STAMP)
	$(BOOKENV) LSTMKIT_STATIC_FRAMES=0 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=300 --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False \
		chapters/*.ipynb
	$(BIN)/python _ext/fold.py chapters/*.ipynb

# Fold check cells (tag `check`) and plumbing cells (tag `hide-input`) in both front ends.
fold: $(STAMP)
	$(BIN)/python _ext/fold.py chapters/*.ipynb

lint: $(STAMP)
	$(BIN)/ruff check lstmkit tests benchmarks _ext

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf _build .pytest_cache .hypothesis
