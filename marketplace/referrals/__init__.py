"""Referral and visits (穗救易): need → dispatch → process → feedback, visits and the policy worklist."""
