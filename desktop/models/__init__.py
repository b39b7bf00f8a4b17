"""SQLAlchemy models. No Qt here."""

from desktop.models.archives import Archive, ArchiveChecklist, ArchiveCopyLog, ArchiveItem, Attachment
from desktop.models.base import Base
from desktop.models.cadres import Cadre, Pairing
from desktop.models.counter import (
    CounterConflict,
    CounterEvent,
    CounterLocal,
    CounterPack,
    CounterPackHousehold,
    OfficeKey,
)
from desktop.models.fund import FilialFund, FundBoardMember, FundEntry, Pledge, Supporter, SupportFinding
from desktop.models.geography import Township, Village
from desktop.models.households import Household, HouseholdSearch, IncomeYear, Member
from desktop.models.identification import IdentificationEntry, IdentificationRound
from desktop.models.loans import Loan, LoanEntry, LoanExtension
from desktop.models.monitoring import (
    CaseStep,
    IncomeCheck,
    MonitoringCase,
    MonitoringLine,
    RiskEvent,
    ScreeningProposal,
    ScreeningRun,
)
from desktop.models.plans import CardColour, IncomeThreshold, Measure, NeedsCheck, Visit
from desktop.models.points import (
    Goods,
    PointsAccount,
    PointsEntry,
    Redemption,
    RedemptionLine,
    StockLevel,
    StockMovement,
    Store,
    UserStore,
)
from desktop.models.posts import PostAttendance, PostHolding, PublicPost, WageLine, WageRun
from desktop.models.problems import Problem, ProblemEvent, ProblemEvidence
from desktop.models.projects import (
    Disbursement,
    Project,
    ProjectBeneficiary,
    ProjectContract,
    ProjectFunding,
    ProjectIndicator,
    ProjectNotice,
    ProjectStep,
    ProjectVillage,
)
from desktop.models.quality import QualityRun, QualityVerified
from desktop.models.ratings import Objection, RatingResult, RatingRound, StarCatalog
from desktop.models.users import ROLES, AuditEntry, AuditHead, Setting, User, UserVillage

__all__ = [
    "Disbursement",
    "Project",
    "ProjectBeneficiary",
    "ProjectContract",
    "ProjectFunding",
    "ProjectIndicator",
    "ProjectNotice",
    "ProjectStep",
    "ProjectVillage",
    "Archive",
    "ArchiveChecklist",
    "ArchiveCopyLog",
    "ArchiveItem",
    "Attachment",
    "CardColour",
    "IncomeThreshold",
    "Measure",
    "NeedsCheck",
    "Visit",
    "Base",
    "Cadre",
    "Pairing",
    "CounterConflict",
    "CounterEvent",
    "CounterLocal",
    "CounterPack",
    "CounterPackHousehold",
    "OfficeKey",
    "FilialFund",
    "FundBoardMember",
    "FundEntry",
    "Pledge",
    "Supporter",
    "SupportFinding",
    "Township",
    "Village",
    "Household",
    "HouseholdSearch",
    "Member",
    "IncomeYear",
    "IdentificationEntry",
    "IdentificationRound",
    "Loan",
    "LoanEntry",
    "LoanExtension",
    "CaseStep",
    "IncomeCheck",
    "MonitoringCase",
    "MonitoringLine",
    "RiskEvent",
    "ScreeningProposal",
    "ScreeningRun",
    "Goods",
    "PointsAccount",
    "PointsEntry",
    "Redemption",
    "RedemptionLine",
    "StockLevel",
    "StockMovement",
    "Store",
    "UserStore",
    "Objection",
    "RatingResult",
    "RatingRound",
    "StarCatalog",
    "Problem",
    "ProblemEvent",
    "ProblemEvidence",
    "PublicPost",
    "PostHolding",
    "PostAttendance",
    "WageRun",
    "WageLine",
    "QualityRun",
    "QualityVerified",
    "User",
    "UserVillage",
    "Setting",
    "AuditEntry",
    "AuditHead",
    "ROLES",
]
