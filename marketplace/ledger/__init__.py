"""The double-entry ledger: the one place where minutes and fen move."""
