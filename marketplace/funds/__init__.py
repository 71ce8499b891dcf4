"""Funds of organisations (general, project, community, named, restricted) and disbursements out of them."""
