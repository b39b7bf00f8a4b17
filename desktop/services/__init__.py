"""Domain rules and transactions. No Qt here: the window and the CLI both call these.

One package per area, each holding its rules and the documents it prints side by side (`<area>.py` the rules and
transactions, `<area>_reports.py` or `printing.py` the notices and ledgers built from them, drawn by
desktop.reports): households, roster, archives, plans, ratings, points (with the stores and the counter), fund,
quality, system (users, roles, settings, audit, backup, set-up).

A new ledger: its model in desktop/models, its chain and balance through services/ledgers (balances.py,
ledger_chain.py), its rules in its area's package, its printed form in that area's reports module. A new rule:
in the area it governs, citing its seed sentence; a data-quality rule in quality/quality_rules.py. What every
printed output shares is in documents.py; the words every area shares in desktop/vocabulary.py.
"""
