# The README's two commands: `make demo` and `make test` (`make test-fast`
# leaves out the tests marked slow, for development). Both set up the
# virtual environment .venv first (CPU build of torch 2.13.0, the plugin and
# its pinned OpenMMLab stack).
PYTHON ?= python3
TORCH ?= torch==2.13.0
VENV := .venv
PY := $(VENV)/bin/python
DEMO_DATA := data/liris_synthetic
DEMO_WORK := work_dirs/demo_liris
SEED ?= 0

.PHONY: install demo test test-fast clean-demo

$(VENV)/.installed: setup.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -c 'import torch' 2>/dev/null || $(PY) -m pip install -q '$(TORCH)'
	$(PY) -m pip install -q -e '.[tests]'
	touch $@

install: $(VENV)/.installed

demo: install
	test -f $(DEMO_DATA)/LIRIS-ACCEDE-annotations/annotations/ACCEDEranking.txt || \
		$(PY) tools/data/make_synthetic_liris.py --out-dir $(DEMO_DATA) \
			--num-films 16 --clips-per-film 8
	$(PY) tools/train.py configs/demo_liris.py --work-dir $(DEMO_WORK) --seed $(SEED)
	$(PY) tools/test.py configs/demo_liris.py $$(cat $(DEMO_WORK)/last_checkpoint) \
		--work-dir $(DEMO_WORK) --dump $(DEMO_WORK)/predictions_test.csv

test: install
	$(PY) -m pytest tests -q

test-fast: install
	$(PY) -m pytest tests -q -m 'not slow'

clean-demo:
	rm -rf $(DEMO_DATA) $(DEMO_WORK)
