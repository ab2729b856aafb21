from . import test_po_matching
