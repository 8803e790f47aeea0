"""A leader's team overview (/tim): achievement, reports and flags per direct subordinate.

- members: the team's rows, read set-based (a handful of queries for a whole team)
- rollups: the leader's targets with what the staff's contributing targets add up to
- views: the team page, the team by unit, one member, the team chart (access checked)
- notice_modes: how report notices reach the leader
"""

from __future__ import annotations

from bot.services.team.members import STALE_DAYS, MemberRow
from bot.services.team.notice_modes import NOTICE_MODES, notice_mode_of, set_notice_mode
from bot.services.team.rollups import RollUp
from bot.services.team.views import (
    NO_UNIT,
    PAGE_SIZE,
    MemberDetail,
    RecentReport,
    TeamView,
    UnitGroup,
    UnitsView,
    draw_chart,
    member_detail,
    team_view,
    units_view,
)

__all__ = [
    "NOTICE_MODES",
    "NO_UNIT",
    "PAGE_SIZE",
    "STALE_DAYS",
    "MemberDetail",
    "MemberRow",
    "RecentReport",
    "RollUp",
    "TeamView",
    "UnitGroup",
    "UnitsView",
    "draw_chart",
    "member_detail",
    "notice_mode_of",
    "set_notice_mode",
    "team_view",
    "units_view",
]
