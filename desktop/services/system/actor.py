"""Who is acting: the roles, what each may do, and the Actor every service call carries.

Kept apart from the user accounts (users.py) so that every area can name an actor without importing password
hashing, the database or the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from desktop.errors import PermissionDenied

ROLE_NAMES = {
    "admin": "管理员",
    "clerk": "扶贫办干部",
    "village_clerk": "村文书",
    "store_operator": "超市操作员",
    "auditor": "审计（只读）",
}

# What each role may do. Village clerks are further limited to their villages.
PERMISSIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(
        {
            "roster.import",
            "household.edit",
            "users.manage",
            "backup",
            "restore",
            "settings",
            "points.award",
            "points.adjust",
            "store.manage",
            "stock.move",
            "redeem",
            "redemption.reverse",
            "fund.manage",
            "fund.record",
        }
    ),
    "clerk": frozenset(
        {
            "roster.import",
            "household.edit",
            "backup",
            "points.award",
            "points.adjust",
            "store.manage",
            "stock.move",
            "redeem",
            "redemption.reverse",
            "fund.manage",
            "fund.record",
        }
    ),
    "village_clerk": frozenset({"household.edit", "points.award", "fund.record"}),
    "store_operator": frozenset({"stock.move", "redeem"}),
    "auditor": frozenset(),
}


@dataclass(frozen=True)
class Actor:
    """Who is acting. `village_ids` is None for users who see every village."""

    username: str
    role: str
    display_name: str = ""
    village_ids: frozenset[int] | None = None
    store_ids: frozenset[int] | None = None  # a store operator's stores; None: every store

    @property
    def label(self) -> str:
        """Name and role as the window shows who is working: 张会计（管理员）."""
        return f"{self.display_name or self.username}（{ROLE_NAMES.get(self.role, self.role)}）"

    def can(self, permission: str) -> bool:
        return permission in PERMISSIONS.get(self.role, frozenset())

    def require(self, permission: str, what: str) -> None:
        if not self.can(permission):
            raise PermissionDenied(
                f"用户“{self.username}”（{ROLE_NAMES.get(self.role, self.role)}）无权{what}。"
            )


SYSTEM = Actor("system", "admin", "系统")
