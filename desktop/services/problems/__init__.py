"""问题整改台账: problems, their rectification, acceptance and 销号, and the ledger."""
