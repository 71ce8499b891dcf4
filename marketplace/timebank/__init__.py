"""The time bank: activities, verified hours, savings, gifts, care paid in hours, certificates."""
