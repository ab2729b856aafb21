"""Engine tests: plain pytest, no Odoo. `services` and the test `fakes` are importable by name."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai"))
sys.path.insert(0, os.path.join(ROOT, "l10n_cl_ai", "tests"))
