"""What every room of the core uses: messages in and out, the texts, a turn and its
services, Hà Nội's clock and working time. Uses no other room of handlers."""
