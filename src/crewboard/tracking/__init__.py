"""Customer tracking links: a private page per job with status, ETA and outcome."""
