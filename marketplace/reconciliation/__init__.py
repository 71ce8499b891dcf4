"""Reconciliation: Stripe and bank statements matched against the ledger, and periods closed."""
