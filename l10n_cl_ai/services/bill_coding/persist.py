"""A ``CompanyHistory`` saved on disk and opened again without embedding anything.

``source_hash(company_id, lines, model_id)`` names what a history is built from (its lines, in order, and
the embedding model): the Odoo layer saves a history under ``<root>/<company>/<source hash>/`` and every
worker opens the same folder (the vectors memory-mapped). A saved folder is never rewritten in place: a
new set of lines gets a new folder, written under a temporary name and renamed.
"""

import datetime
import hashlib
import json
import os
import shutil
import time

from ..knowledge.index import DenseIndex
from .history import CompanyHistory
from .records import PostedLine

FORMAT_VERSION = 1
_DENSE = "dense.faiss"
_LINES = "lines.json"
_MANIFEST = "manifest.json"


def _line_row(line):
    return [
        line.line_id,
        line.vendor_id,
        line.description,
        line.account_id,
        line.analytic_distribution or {},
        line.date.isoformat() if line.date else None,
        line.product_id,
    ]


def source_hash(company_id, lines, model_id):
    """sha256 (32 hex) of the company, the embedding model and every line's content, in order."""
    digest = hashlib.sha256(f"bill-coding/{FORMAT_VERSION}\n{company_id}\n{model_id}\n".encode())
    for line in lines:
        digest.update(json.dumps(_line_row(line), sort_keys=True, ensure_ascii=False).encode())
        digest.update(b"\n")
    return digest.hexdigest()[:32]


def save(history, root, content_hash):
    """Write ``history`` under ``root/<content_hash>/`` (atomically); returns that folder."""
    target = os.path.join(root, content_hash)
    if os.path.isfile(os.path.join(target, _MANIFEST)):
        return target
    os.makedirs(root, exist_ok=True)
    work = os.path.join(root, f".tmp-{content_hash[:16]}-{os.getpid()}-{time.monotonic_ns()}")
    os.makedirs(work)
    try:
        history.index.save(os.path.join(work, _DENSE))
        with open(os.path.join(work, _LINES), "w", encoding="utf-8") as handle:
            json.dump([_line_row(line) for line in history.lines], handle, ensure_ascii=False)
        with open(os.path.join(work, _MANIFEST), "w", encoding="utf-8") as handle:
            json.dump(
                {
                    "format": FORMAT_VERSION,
                    "company_id": history.company_id,
                    "content_hash": content_hash,
                    "model_id": history.index.model_id,
                    "lines": history.size,
                },
                handle,
            )
        try:
            os.rename(work, target)
        except OSError:
            if not os.path.isfile(os.path.join(target, _MANIFEST)):  # else another process won the race
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return target


def load(root, content_hash, company_id, embedder):
    """The history saved under ``root/<content_hash>/``; ``FileNotFoundError`` when absent,
    ``ValueError`` when it is of another format, company or embedding model."""
    path = os.path.join(root, content_hash)
    with open(os.path.join(path, _MANIFEST), encoding="utf-8") as handle:
        manifest = json.load(handle)
    if manifest.get("format") != FORMAT_VERSION:
        raise ValueError(f"bill coding history {path} has format {manifest.get('format')}")
    if manifest["company_id"] != company_id:
        raise ValueError(f"bill coding history {path} is of company {manifest['company_id']}")
    if manifest["model_id"] != embedder.model_id:
        raise ValueError(f"bill coding history {path} was built with {manifest['model_id']}")
    index = DenseIndex.load(os.path.join(path, _DENSE))
    with open(os.path.join(path, _LINES), encoding="utf-8") as handle:
        rows = json.load(handle)
    lines = [
        PostedLine(
            line_id,
            company_id,
            vendor_id,
            description,
            account_id,
            distribution,
            datetime.date.fromisoformat(date) if date else None,
            product_id,
        )
        for line_id, vendor_id, description, account_id, distribution, date, product_id in rows
    ]
    return CompanyHistory(company_id, lines, index, embedder)


def prune(root, keep, keep_previous=1):
    """Delete the saved histories under ``root`` except ``keep`` (hashes) and the ``keep_previous`` most
    recent others: a worker that has not seen the new hash yet (or a transaction rolled back after the
    build) still opens the previous one. Workers mapping a deleted one keep reading it until they open
    the new one."""
    try:
        names = [name for name in os.listdir(root) if not name.startswith(".") and name not in keep]
    except FileNotFoundError:
        return
    names.sort(key=lambda name: os.path.getmtime(os.path.join(root, name)), reverse=True)
    for name in names[keep_previous:]:
        shutil.rmtree(os.path.join(root, name), ignore_errors=True)
