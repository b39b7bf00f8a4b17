"""扶贫小额信贷: loans, repayments, 贴息, 展期/续贷, the bank list import and the ledgers."""
