"""Notices out: outbox rows, and the sending pace every process shares. Uses org (a chat's
first id, its link to a unit) and shared."""
