"""Points, the poverty-relief supermarket (stores, goods, stock), redemption at the counter and settlement."""
