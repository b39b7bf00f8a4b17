"""防返贫监测: risk events, screening, 纳入 and 风险消除 (monitoring.py), their notices and ledgers (monitoring_reports.py)."""
