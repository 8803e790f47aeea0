"""The words of an SKP target: kinds, jenis, statuses, sources, field limits, common units.

Shared by the chat flow, the import, and every feature that reads targets or counts the
reports made on them (a report counts while it is active).
"""

from __future__ import annotations

KIND_QUANT = "kuantitatif"
KIND_QUAL = "kualitatif"
KINDS = (KIND_QUANT, KIND_QUAL)
JENIS_UTAMA = "utama"
JENIS_TAMBAHAN = "tambahan"
JENIS = (JENIS_UTAMA, JENIS_TAMBAHAN)
STATUS_PENDING = "pending"
STATUS_APPROVED = "approved"
STATUS_RETURNED = "returned"
STATUS_ARCHIVED = "archived"
SOURCE_CHAT = "chat"
SOURCE_LEADER = "leader"
SOURCE_IMPORT = "import"
REPORT_ACTIVE = "active"
REPORT_WITHDRAWN = "withdrawn"

MIN_TITLE = 3
MAX_TITLE = 500
MAX_INDICATOR = 500
MAX_UNIT = 50
MAX_EXPECTATION = 2000
MAX_QUALITY = 500
MAX_NOTE = 1000
COMMON_UNITS = ("dokumen", "kegiatan", "laporan", "orang", "%")
