"""The national system's Excel roster (花名册): reading, checking, importing, comparing and exporting."""
