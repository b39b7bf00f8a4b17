"""疑点核查: the data-quality rules, their runs and findings."""
