"""SKP targets per semester: what other code may call.

- vocabulary: kinds, jenis, statuses, sources, limits    - drafts: the draft, its checks
- lifecycle: propose, approve/return, edit, withdraw     - overviews: the screens' data
- achievement: how far targets have come (every rule)    - describing: a target as lines
- notices: the messages queued for the other person      - importing: `import-targets`
"""

from __future__ import annotations

from bot.services.targets.drafts import (
    DraftSetting,
    Problem,
    TargetDraft,
    draft_setting,
    parent_choices,
)
from bot.services.targets.lifecycle import (
    Outcome,
    TargetResult,
    assign,
    check_decision,
    check_edit,
    decide,
    edit,
    is_editable,
    is_withdrawable,
    propose,
    subordinate,
    withdraw,
)
from bot.services.targets.overviews import (
    FullTarget,
    Overview,
    TargetLine,
    TeamMember,
    full_target,
    overview,
    team,
)

__all__ = [
    "DraftSetting",
    "FullTarget",
    "Outcome",
    "Overview",
    "Problem",
    "TargetDraft",
    "TargetLine",
    "TargetResult",
    "TeamMember",
    "assign",
    "check_decision",
    "check_edit",
    "decide",
    "draft_setting",
    "edit",
    "full_target",
    "is_editable",
    "is_withdrawable",
    "overview",
    "parent_choices",
    "propose",
    "subordinate",
    "team",
    "withdraw",
]
