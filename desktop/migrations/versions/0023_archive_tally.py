"""archive tally: per archive and copy, the items recorded / held current, counted per checklist stage

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-02 17:00:00

Filled here from the items and the copy log with the rule desktop.services.archives applies (frozen here: a
migration never reads today's code): an item counts for a copy when the copy's newest print holds at least its
current revision; items whose key the archive's checklist version does not list are not counted.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

STAGES = ("identify", "assist", "exit", "consolidate")


def upgrade() -> None:
    tally = op.create_table(
        "archive_tally",
        sa.Column("archive_id", sa.Integer(), nullable=False),
        sa.Column("copy", sa.String(length=16), nullable=False),
        *[sa.Column(stage, sa.Integer(), nullable=False) for stage in STAGES],
        sa.ForeignKeyConstraint(
            ["archive_id"], ["archive.id"], name=op.f("fk_archive_tally_archive_id_archive")
        ),
        sa.PrimaryKeyConstraint("archive_id", "copy", name=op.f("pk_archive_tally")),
    )
    bind = op.get_bind()
    checklist = sa.table("archive_checklist", sa.column("id", sa.Integer()), sa.column("items", sa.JSON()))
    archive = sa.table("archive", sa.column("id", sa.Integer()), sa.column("checklist_id", sa.Integer()))
    item = sa.table(
        "archive_item",
        sa.column("archive_id", sa.Integer()),
        sa.column("item_key", sa.String()),
        sa.column("revision", sa.Integer()),
    )
    log = sa.table(
        "archive_copy_log",
        sa.column("id", sa.Integer()),
        sa.column("archive_id", sa.Integer()),
        sa.column("copy", sa.String()),
        sa.column("contents", sa.JSON()),
    )
    stage_of = {
        cid: {i["key"]: i["stage"] for i in items} for cid, items in bind.execute(sa.select(checklist))
    }
    archives = dict(bind.execute(sa.select(archive.c.id, archive.c.checklist_id)).all())
    recorded: dict[int, dict[str, int]] = {}
    for archive_id, key, rev in bind.execute(sa.select(item.c.archive_id, item.c.item_key, item.c.revision)):
        recorded.setdefault(archive_id, {})[key] = rev
    printed: dict[int, dict[str, dict]] = {}
    for archive_id, copy, contents in bind.execute(
        sa.select(log.c.archive_id, log.c.copy, log.c.contents).order_by(log.c.id)
    ):
        printed.setdefault(archive_id, {})[copy] = contents or {}  # the newest print is what the copy holds
    rows = []
    for archive_id, checklist_id in archives.items():
        stages = stage_of.get(checklist_id, {})
        have = {k: rev for k, rev in recorded.get(archive_id, {}).items() if k in stages}
        counts = {"": dict.fromkeys(STAGES, 0)}
        for key in have:
            counts[""][stages[key]] += 1
        for copy, held in printed.get(archive_id, {}).items():
            mine = counts[copy] = dict.fromkeys(STAGES, 0)
            for key, rev in have.items():
                if (held.get(key) or 0) >= rev:
                    mine[stages[key]] += 1
        rows += [{"archive_id": archive_id, "copy": copy, **n} for copy, n in counts.items()]
    for start in range(0, len(rows), 10_000):
        bind.execute(sa.insert(tally), rows[start : start + 10_000])


def downgrade() -> None:
    op.drop_table("archive_tally")
