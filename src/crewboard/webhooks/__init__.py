"""Signed webhooks for integrations, delivered through the notifications outbox."""
