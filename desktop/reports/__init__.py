"""PDF, Excel and chart output. No Qt here."""
