"""Personal data, as the law and our notice promise: the resident's own data in the chat,
the nominee's consent to be published, and keeping nothing past its time."""
