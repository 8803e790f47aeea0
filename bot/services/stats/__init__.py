"""HR analytics (/statistik): reporting compliance, achievement, predikat vs curve, broadcasts.

Every query is set-based (grouped in the database, never one query per employee) and limited
to the HR officer's scope: city-wide HR and admins see every OPD, OPD HR only their own.

- scope: whose figures a speaker may see, and the OPDs of a scope
- reporting: reporting compliance per OPD
- achievement: capped mean achievement per employee, and its buckets
- predikat: predikat per OPD against the curve
- broadcasts: delivery and acknowledgement of recent broadcasts
- units: units that may need support
- charts: the bar charts (PNG, drawn in a worker thread)
"""

from __future__ import annotations

from bot.services.stats.achievement import (
    BUCKET_LABELS,
    AchievementSpread,
    achievement_by_employee,
    achievement_spread,
    bucket_of,
    capped_means,
    mean_below,
)
from bot.services.stats.broadcasts import (
    BroadcastStats,
    broadcast_in_scope,
    broadcast_stats,
)
from bot.services.stats.charts import (
    MAX_ROWS,
    PREDIKAT_COLORS,
    BarChart,
    draw_bars,
    render_bars,
)
from bot.services.stats.predikat import OpdPredikat, predikat_spread
from bot.services.stats.reporting import OpdCompliance, compliance, total_compliance
from bot.services.stats.scope import (
    OutOfScope,
    Scope,
    ScopeOpd,
    in_scope,
    opds_of,
    resolve_scope,
)
from bot.services.stats.units import UnitsNeedingSupport, UnitStruggle, units_needing_support

__all__ = [
    "BUCKET_LABELS",
    "MAX_ROWS",
    "PREDIKAT_COLORS",
    "AchievementSpread",
    "BarChart",
    "BroadcastStats",
    "OpdCompliance",
    "OpdPredikat",
    "OutOfScope",
    "Scope",
    "ScopeOpd",
    "UnitStruggle",
    "UnitsNeedingSupport",
    "achievement_by_employee",
    "achievement_spread",
    "broadcast_in_scope",
    "broadcast_stats",
    "bucket_of",
    "capped_means",
    "compliance",
    "draw_bars",
    "in_scope",
    "mean_below",
    "opds_of",
    "predikat_spread",
    "render_bars",
    "resolve_scope",
    "total_compliance",
    "units_needing_support",
]
