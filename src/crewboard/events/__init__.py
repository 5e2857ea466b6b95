"""Audit trail rows and the after-commit event bus."""
