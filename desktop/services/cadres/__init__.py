"""帮扶干部: the cadre registry, pairing (结对) with households, and visit coverage (遍访)."""
