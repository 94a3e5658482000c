"""Use cases: each module joins the pure core to the store for one thing a user does."""
