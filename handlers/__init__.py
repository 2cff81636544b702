"""The channel-independent core: the nomination conversation and its use cases."""
