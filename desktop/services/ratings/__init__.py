"""Star ratings (星级评定) and the points they award."""
