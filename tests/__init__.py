"""The escmatrix test suite."""
