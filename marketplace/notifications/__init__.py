"""Telling people what happened: a notification row per person, a bell, a list, emails and a weekly digest."""
