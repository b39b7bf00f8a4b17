"""What every append-only ledger shares: balances that move by one conditional UPDATE and the hash chain."""
