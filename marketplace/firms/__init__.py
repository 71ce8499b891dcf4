"""Firms: points for money given and hours their people serve, badge levels, and the opt-in leaderboard."""
