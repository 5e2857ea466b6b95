"""Technicians: skills, shifts, time off, equipment, position."""
