"""The Discuss bot's plain parts: the conversation sent to Claude, tool results as data, the reply as
safe HTML. No odoo import: the ORM layer (``models/chat_*.py``) passes plain values in."""
