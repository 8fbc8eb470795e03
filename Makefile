# The two commands of the README:
#   make book   set up .venv, build the HTML book into _build/html
#   make test   set up .venv, run every stage of tools/run_stages.py, independent ones at the
#               same time: unit tests, doctests and nbval here and on two imitated computers,
#               the build with -W, the PDF, the browser tests of the HTML and of the PDF, the
#               JupyterLab tests; prints each stage's log as it ends and a table of times
#   make pdf    build the book, then print all of it to _build/html/book.pdf with Chromium (no TeX)
# and the maintainers' helpers:
#   make check       the quick inner loop: unit tests, doctests and nbval on this computer
#   make lab         open the book in JupyterLab with the project's kernel
#                    (extra options: make lab LAB_ARGS="--port=8890 --no-browser")
#   make notebooks   re-execute every notebook in book/ in place (refresh stored outputs)
#   make bench       print the benchmark tables

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
LAB_ARGS ?=
NOTEBOOKS := $(sort $(wildcard book/*.ipynb))

# the strict build: a warning, a broken reference or a missing figure fails it
BUILD  := $(BIN)/jupyter-book build . -W -n --keep-going
# every stage of the tests (tools/run_stages.py says what each runs)
STAGES := $(BIN)/python tools/run_stages.py

.PHONY: book pdf test check browser-setup lab notebooks bench clean

book: $(STAMP)
	$(BUILD)
	@echo "The book is ready: open file://$(CURDIR)/_build/html/index.html"

# The whole book as one PDF, linked from every page (tools/book_pdf.py).
pdf: book browser-setup
	$(BIN)/python tools/book_pdf.py

test: $(STAMP) browser-setup
	$(STAGES)

# unit tests, doctests and nbval on this computer: the stage "here" of make test, alone
check: $(STAMP)
	$(STAGES) here

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Chromium comes from Debian's package; install it where we are root, else the browser test
# skips with a message (never when CI is set).
browser-setup:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null; \
	  else echo "chromium not installed and not root: the browser test will skip (apt-get install chromium to enable it)"; fi; }

# JUPYTER_CONFIG_DIR=lab: the notebooks are served with the book's references, numbers and
# citations resolved from the build's record, and saved as stored, normalised
# (lab/book_contents.py); the record is rebuilt first if a page changed since the last build,
# by a build that warnings do not stop (a chapter being written must still open).
# JupyterLab refuses to run as root without --allow-root.
RECORD := _build/.doctrees/environment.pickle
$(RECORD): $(STAMP) _toc.yml _config.yml $(wildcard book/*.ipynb book/*.md book/references.bib)
	$(BIN)/jupyter-book build .
	touch $@

lab: $(STAMP) $(RECORD)
	@echo "JupyterLab prints the address to open (with its token) below; stop it with Ctrl-C twice."
	JUPYTER_CONFIG_DIR=$(CURDIR)/lab $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR)/book \
		$(if $(filter 0,$(shell id -u)),--allow-root) $(LAB_ARGS)

notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py $(NOTEBOOKS)

bench: $(STAMP)
	for script in bench/*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf _build
