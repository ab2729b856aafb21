"""The engine: plain Python, never imports odoo.

Importable without Odoo::

    python -c "import sys; sys.path.insert(0, 'l10n_cl_ai'); import services"

Submodules are imported where they are used, so a worker that never searches the knowledge base
never loads numpy, faiss or onnxruntime.
"""
