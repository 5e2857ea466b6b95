"""The HTTP application: app factory, dependencies, error handling."""
