"""Customer notifications: rules, templates, channels and the transactional outbox."""
