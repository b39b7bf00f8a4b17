import subprocess
import sys


def test_models_services_and_reports_import_without_qt():
    code = (
        "import sys, desktop.models, desktop.db, desktop.cli, desktop.services.roster.roster_import, "
        "desktop.services.households.households, desktop.services.system.backup, desktop.reports.roster_xlsx; "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
