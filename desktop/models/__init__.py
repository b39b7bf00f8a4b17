"""SQLAlchemy models. No Qt here.

Each area's module loads when one of its names is first asked for: `from desktop.models import Household` loads
`desktop.models.households` and the modules whose tables its foreign keys name (each model module imports those
itself), not the whole schema — declaring all ~80 mapped classes was a quarter of a second of every command's
start and of the window's. What needs the whole schema (create_all, the backup's table list, Alembic) calls
`load_all()`; tests/test_models_loading.py holds each module to importing its keys' tables and this table to
the modules' contents."""

from __future__ import annotations

import importlib

from desktop.models.base import Base

# name → the module (of desktop.models) that declares it
WHERE: dict[str, str] = {
    **dict.fromkeys(
        ("Archive", "ArchiveChecklist", "ArchiveCopyLog", "ArchiveItem", "ArchiveTally", "Attachment"),
        "archives",
    ),
    **dict.fromkeys(("Cadre", "Pairing"), "cadres"),
    **dict.fromkeys(
        (
            "CounterConflict",
            "CounterEvent",
            "CounterLocal",
            "CounterMerged",
            "CounterPack",
            "CounterPackHousehold",
            "OfficeKey",
        ),
        "counter",
    ),
    **dict.fromkeys(
        ("FilialFund", "FundBoardMember", "FundEntry", "Pledge", "SupportFinding", "Supporter"), "fund"
    ),
    **dict.fromkeys(("Township", "Village"), "geography"),
    **dict.fromkeys(("Household", "HouseholdSearch", "IncomeYear", "Member", "RosterDigest"), "households"),
    **dict.fromkeys(("IdentificationEntry", "IdentificationRound"), "identification"),
    **dict.fromkeys(("Loan", "LoanEntry", "LoanExtension"), "loans"),
    **dict.fromkeys(
        (
            "CaseStep",
            "IncomeCheck",
            "MonitoringCase",
            "MonitoringLine",
            "RiskEvent",
            "ScreeningProposal",
            "ScreeningRun",
        ),
        "monitoring",
    ),
    **dict.fromkeys(("CardColour", "IncomeThreshold", "Measure", "NeedsCheck", "Visit"), "plans"),
    **dict.fromkeys(
        (
            "Goods",
            "PointsAccount",
            "PointsEntry",
            "Redemption",
            "RedemptionLine",
            "StockLevel",
            "StockMovement",
            "Store",
            "UserStore",
        ),
        "points",
    ),
    **dict.fromkeys(("PostAttendance", "PostHolding", "PublicPost", "WageLine", "WageRun"), "posts"),
    **dict.fromkeys(("Problem", "ProblemEvent", "ProblemEvidence"), "problems"),
    **dict.fromkeys(
        (
            "Disbursement",
            "Project",
            "ProjectBeneficiary",
            "ProjectContract",
            "ProjectFunding",
            "ProjectIndicator",
            "ProjectNotice",
            "ProjectStep",
            "ProjectVillage",
        ),
        "projects",
    ),
    **dict.fromkeys(("QualityRun", "QualityVerified"), "quality"),
    **dict.fromkeys(("Objection", "RatingResult", "RatingRound", "StarCatalog"), "ratings"),
    **dict.fromkeys(("AuditEntry", "AuditHead", "ROLES", "Setting", "User", "UserVillage"), "users"),
}

__all__ = ["Base", "load_all", *WHERE]


def __getattr__(name: str):
    module = WHERE.get(name)
    if module is None:
        raise AttributeError(f"module 'desktop.models' has no attribute {name!r}")
    value = getattr(importlib.import_module(f"desktop.models.{module}"), name)
    globals()[name] = value  # asked once
    return value


def load_all() -> None:
    """Every model module: the whole schema in Base.metadata."""
    for module in sorted(set(WHERE.values())):
        importlib.import_module(f"desktop.models.{module}")
