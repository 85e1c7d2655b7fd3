# Following the Flow: every command sets up .venv itself on a fresh machine (Python 3.11).
#   make book   build the HTML book into _build/html (executes every notebook), with the
#               whole book as one PDF in it (make pdf)
#   make pdf    the whole book as one PDF: _build/html/following-the-flow.pdf
#   make test   unit tests, notebook tests (nbval) and the browser test of the built book
#   make lab    open the notebooks in JupyterLab
# Maintainers: make notebooks (re-execute and save the committed notebooks), make fold (fold
#   check cells, _ext/fold.py), make myst (MyST for JupyterLab, _ext/myst_lab.py), make lint,
#   make bench (benchmarks/, not part of the tests), make clean.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
BOOK   := _build/html/index.html
# The PDF is printed by headless chromium from the one-page (singlehtml) build of the book,
# made after the HTML build and reusing its executed notebooks (execution cache); it is served with
# the HTML book (its download menu links it).
SINGLE := _build/singlehtml/chapters/preface.html
PDF    := _build/html/following-the-flow.pdf
# The book's arrays are small: BLAS threads only add synchronisation, and when the machine is
# busy they slow the per-step products of a training loop about 30-fold (measured). Benchmarks
# (make bench) keep the default thread count.
BOOKENV := OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

JB     := $(BOOKENV) $(BIN)/jupyter-book build . -W -n --keep-going
# Everything the built book depends on: a change to any of these makes it stale.
SOURCES := _config.yml _toc.yml references.bib requirements.txt pyproject.toml _ext/myst_lab.py \
           $(wildcard chapters/*.md chapters/*.ipynb chapters/*.csv lstmkit/*.py lstmkit/*/*.py)

.PHONY: book pdf test lab notebooks fold myst lint bench clean venv

venv: $(STAMP)

# JupyterLab defaults of the book's environment (see _ext/myst_lab.py): every cell rendered at
# once, so jupyterlab-myst resolves references to cells further down. And the book's own small
# JupyterLab extension (_ext/labextension, no build step): a link to another chapter opens it
# at the heading it names.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
LAB_LINKS     := $(VENV)/share/jupyter/labextensions/following-the-flow-links

$(STAMP): requirements.txt pyproject.toml _ext/jupyterlab-overrides.json \
          _ext/labextension/package.json _ext/labextension/static/remoteEntry.js
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@mkdir -p $(dir $(LAB_OVERRIDES))
	cp _ext/jupyterlab-overrides.json $(LAB_OVERRIDES)
	rm -rf $(LAB_LINKS) && cp -r _ext/labextension $(LAB_LINKS)
	@touch $@

book: $(STAMP)
	$(JB)
	@touch $(BOOK)
	@$(MAKE) --no-print-directory pdf
	@echo "The book is at $(CURDIR)/$(BOOK)"

pdf: $(PDF)
	@echo "The PDF is at $(CURDIR)/$(PDF)"

$(SINGLE): $(STAMP) $(SOURCES) _ext/offline_book.py | $(BOOK)
	$(JB) --builder singlehtml
	@touch $@

$(PDF): $(SINGLE) _ext/pdf.py _ext/chromium.py
	$(BIN)/python _ext/pdf.py _build/singlehtml $@

# The tests read the built book, so rebuild it first when any source is newer.
$(BOOK): $(STAMP) $(SOURCES)
	$(JB)
	@touch $@

test: $(STAMP) $(BOOK) $(PDF)
	$(BOOKENV) LSTMKIT_STATIC_FRAMES=0 $(BIN)/python -m pytest tests chapters --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout=300

lab: $(STAMP)
	$(BOOKENV) $(BIN)/jupyter lab chapters

notebooks: $(STAMP)
	$(BOOKENV) LSTMKIT_STATIC_FRAMES=0 $(BIN)/jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.timeout=300 --ExecutePreprocessor.store_widget_state=False --ExecutePreprocessor.record_timing=False \
		chapters/*.ipynb
	$(BIN)/python _ext/fold.py chapters/*.ipynb
	$(BIN)/python _ext/myst_lab.py chapters/*.ipynb

# Fold check cells (tag `check`) and plumbing cells (tag `hide-input`) in both front ends.
fold: $(STAMP)
	$(BIN)/python _ext/fold.py chapters/*.ipynb

# Rewrite the notebooks' MyST into the form the book and JupyterLab both render (_ext/myst_lab.py).
myst: $(STAMP)
	$(BIN)/python _ext/myst_lab.py chapters/*.ipynb

lint: $(STAMP)
	$(BIN)/ruff check lstmkit tests benchmarks _ext

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

clean:
	rm -rf _build .pytest_cache .hypothesis
