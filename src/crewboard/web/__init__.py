"""Server-rendered pages and the plain ES-module front end (no build step, no CDN)."""
