"""Domain rules and transactions. No Qt here: the window and the CLI both call these."""
