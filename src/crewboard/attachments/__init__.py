"""Uploaded files: proof-of-service photos and signatures, stored on disk."""
