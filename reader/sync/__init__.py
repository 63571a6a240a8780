"""Sync with a reader's server: the Google Reader API client (``greader``).

The client knows the protocol and nothing of the library; the sync engine,
beside it, decides what to fetch and what to store.
"""
