"""crewboard: dispatch for field-service businesses."""

__version__ = "0.1.0"
