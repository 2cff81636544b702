"""What /readyz and /metrics read: inbox and outbox counts, each channel's poller
heartbeat. Uses shared."""
