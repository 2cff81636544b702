"""The web app: its shell (pages, security headers, session dependency) and the console."""
