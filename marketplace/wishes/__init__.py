"""Micro-wishes, household needs and service needs of verified households: claims, pledges and lights."""
