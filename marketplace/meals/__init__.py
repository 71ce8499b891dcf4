"""Donated meal quotas (福田 M餐)."""
