"""Public accounts: what every fund, organisation and wish received and paid out, and open data to check it."""
