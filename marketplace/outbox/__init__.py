"""The transactional outbox: mail written with the change that caused it, delivered after the commit."""
