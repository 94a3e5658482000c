"""Reliability suite: parallel processes, clones that sync, SIGKILL at random points, bad input."""
