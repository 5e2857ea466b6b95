"""The company running crewboard: name, timezone, working hours."""
