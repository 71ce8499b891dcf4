"""talk_views: pages of the exchange domain (see views.py)."""
