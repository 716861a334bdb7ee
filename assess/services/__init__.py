"""The use cases of assess. Each takes a Session from its caller, who owns the transaction."""
