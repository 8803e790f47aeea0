"""The Mini App's data (bot/web): the same services and access rules as the chat screens.

Nothing here reads a table the feature services already answer for: the pages are a thin
layer over progress.summary (/kinerja), team (/tim) and stats (/statistik), so they stay
right when those grow. Every entry point takes the speaker and refuses with `Refused` what
the chat would refuse.

- viewer: who opens the Mini App (linked, active, not blocked), from their Telegram id
- me: my performance (targets, progress, recent reports and feedback, days left)
- team: a leader's whole team for the table, one member, the cascade tree
- hr: compliance by OPD and unit, predikat against the curve, broadcasts, struggling units
- snapshots: recent results kept a little while (the city's HR page is not recomputed for
  every viewer and refresh)
"""

from __future__ import annotations

from bot.services.dashboard.hr import HrPage, hr_key, hr_page
from bot.services.dashboard.me import MyPage, my_page
from bot.services.dashboard.snapshots import Snapshots
from bot.services.dashboard.team import MemberPage, TeamPage, member_page, team_page
from bot.services.dashboard.viewer import Refused, Viewer, viewer_of

__all__ = [
    "HrPage",
    "MemberPage",
    "MyPage",
    "Refused",
    "Snapshots",
    "TeamPage",
    "Viewer",
    "hr_key",
    "hr_page",
    "member_page",
    "my_page",
    "team_page",
    "viewer_of",
]
