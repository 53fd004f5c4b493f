"""Readers and writers, one module per format. Qt-free; no SQL."""
