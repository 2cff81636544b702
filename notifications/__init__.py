"""Delivery: the outbox sender, channel senders and the scheduler (issues 3 and 5).

Use cases only write `notification` rows (storage.delivery.outbox.enqueue); this package is where
they are claimed, rate-limited and sent.
"""
