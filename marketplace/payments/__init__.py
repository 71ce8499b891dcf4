"""Donations: online through Stripe Checkout (or the demo provider) with verified webhooks, offline gifts, receipts."""
