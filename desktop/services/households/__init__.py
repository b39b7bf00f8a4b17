"""The household record (一户一档 data): finding, editing, ID numbers, and the household notices, ledgers and certificates."""
