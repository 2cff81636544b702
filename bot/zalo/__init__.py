"""The Zalo Bot Platform channel: client, intake (webhook or polling), rendering, sender."""
