"""The file store (the default): see store.py."""

from .store import FileStore

__all__ = ["FileStore"]
