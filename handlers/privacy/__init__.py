"""The resident's own data in the chat, and the nominee's consent to be published."""
