"""Jobs, job types and the job lifecycle."""
