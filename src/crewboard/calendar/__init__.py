"""A technician's jobs as an iCalendar feed at a private token URL."""
