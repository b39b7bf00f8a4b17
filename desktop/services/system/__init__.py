"""Users and roles, settings, the audit log, backups, first-run set-up and the defaults the seeds do not give."""
