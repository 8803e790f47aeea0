"""A synthetic but believable Pemerintah Kota Medan roster for demos, tests and benchmarks.

Everything is derived from one `random.Random(seed)`, so a seed always gives the same people.
The OPD names follow the domain notes (../shared/domain/README.md section 8); the people,
NIPs and most unit names are invented.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bot.services.roster import ROSTER_COLUMNS

MIN_EMPLOYEES = 16
FIRST_ORDINAL = date(1965, 1, 1).toordinal()
LAST_YEAR_APPOINTED = 2025


@dataclass(frozen=True)
class OpdSpec:
    """An OPD: code, official name, relative size, and what its organisation looks like."""

    code: str
    name: str
    weight: float
    kind: str  # dinas | setda | kecamatan | rsud | inspektorat
    bidang: tuple[tuple[str, tuple[str, ...]], ...] = ()
    head: str = ""


def _seksi(*names: str) -> tuple[str, ...]:
    return tuple(f"Seksi {n}" for n in names)


GENERIC_BIDANG = (
    ("Bidang Perencanaan dan Pengembangan", _seksi("Perencanaan", "Pengembangan Program")),
    ("Bidang Pelayanan", _seksi("Pelayanan Teknis", "Pelayanan Administrasi")),
    ("Bidang Pengawasan dan Pengendalian", _seksi("Pengawasan", "Pengendalian dan Evaluasi")),
)

KECAMATAN = (
    "Amplas",
    "Area",
    "Barat",
    "Baru",
    "Belawan",
    "Deli",
    "Denai",
    "Helvetia",
    "Johor",
    "Kota",
    "Labuhan",
    "Maimun",
    "Marelan",
    "Perjuangan",
    "Petisah",
    "Polonia",
    "Selayang",
    "Sunggal",
    "Tembung",
    "Timur",
    "Tuntungan",
)

# The order matters: a small demo (opd_count) takes OPDs from the front of this list.
OPDS: tuple[OpdSpec, ...] = (
    OpdSpec(
        "SETDA",
        "Sekretariat Daerah",
        2.0,
        "setda",
        (
            (
                "Asisten Pemerintahan dan Kesejahteraan Rakyat",
                ("Bagian Tata Pemerintahan", "Bagian Hukum", "Bagian Kesejahteraan Rakyat"),
            ),
            (
                "Asisten Perekonomian dan Pembangunan",
                (
                    "Bagian Perekonomian",
                    "Bagian Administrasi Pembangunan",
                    "Bagian Pengadaan Barang dan Jasa",
                ),
            ),
            (
                "Asisten Administrasi Umum",
                ("Bagian Organisasi", "Bagian Protokol dan Komunikasi Pimpinan"),
            ),
        ),
        head="Sekretaris Daerah",
    ),
    OpdSpec(
        "DISDIKBUD",
        "Dinas Pendidikan dan Kebudayaan",
        40.0,
        "dinas",
        (
            ("Bidang Pembinaan Sekolah Dasar", _seksi("Kurikulum SD", "Peserta Didik SD")),
            ("Bidang Pembinaan Sekolah Menengah Pertama", _seksi("Kurikulum SMP", "Sarpras SMP")),
            ("Bidang Pembinaan PAUD dan Pendidikan Nonformal", _seksi("PAUD", "Kesetaraan")),
            ("Bidang Pembinaan Ketenagaan", _seksi("Pendidik", "Tenaga Kependidikan")),
            ("Bidang Kebudayaan", _seksi("Cagar Budaya", "Kesenian")),
        ),
    ),
    OpdSpec(
        "DINKES",
        "Dinas Kesehatan",
        15.0,
        "dinas",
        (
            ("Bidang Pelayanan Kesehatan", _seksi("Pelayanan Kesehatan Primer", "Kefarmasian")),
            ("Bidang Kesehatan Masyarakat", _seksi("Kesehatan Keluarga dan Gizi", "Promosi")),
            (
                "Bidang Pencegahan dan Pengendalian Penyakit",
                _seksi("Surveilans dan Imunisasi", "Penyakit Menular"),
            ),
            ("Bidang Sumber Daya Kesehatan", _seksi("SDM Kesehatan", "Alat Kesehatan")),
        ),
    ),
    OpdSpec(
        "BKPSDM",
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
        1.2,
        "dinas",
        (
            (
                "Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian",
                _seksi("Pengadaan dan Pemberhentian", "Data dan Informasi Kepegawaian"),
            ),
            ("Bidang Mutasi dan Promosi", _seksi("Mutasi", "Promosi dan Kepangkatan")),
            ("Bidang Pengembangan Kompetensi Aparatur", _seksi("Diklat", "Sertifikasi")),
            (
                "Bidang Penilaian Kinerja Aparatur dan Penghargaan",
                _seksi("Penilaian Kinerja", "Penghargaan dan Disiplin"),
            ),
        ),
        head="Kepala Badan",
    ),
    OpdSpec(
        "DISKOMINFO",
        "Dinas Komunikasi dan Informatika",
        1.0,
        "dinas",
        (
            ("Bidang Informasi dan Komunikasi Publik", _seksi("Pengelolaan Informasi", "Humas")),
            ("Bidang Aplikasi Informatika", _seksi("Layanan E-Government", "Tata Kelola")),
            ("Bidang Infrastruktur TIK", _seksi("Jaringan", "Pusat Data")),
            ("Bidang Persandian dan Statistik", _seksi("Persandian", "Statistik Sektoral")),
        ),
    ),
    OpdSpec("KEC_AMPLAS", "Kecamatan Medan Amplas", 0.7, "kecamatan", head="Camat"),
    OpdSpec("RSUD_PIRNGADI", "RSUD dr. Pirngadi", 6.0, "rsud", head="Direktur"),
    OpdSpec(
        "SATPOLPP",
        "Satuan Polisi Pamong Praja",
        2.5,
        "dinas",
        (
            ("Bidang Penegakan Perundang-undangan Daerah", _seksi("Penyidikan", "Pembinaan")),
            ("Bidang Ketertiban Umum dan Ketenteraman Masyarakat", _seksi("Operasi", "Patroli")),
            ("Bidang Perlindungan Masyarakat", _seksi("Satuan Linmas", "Bina Potensi")),
        ),
        head="Kepala Satuan",
    ),
    OpdSpec(
        "DISHUB",
        "Dinas Perhubungan",
        2.0,
        "dinas",
        (
            ("Bidang Lalu Lintas", _seksi("Manajemen Lalu Lintas", "Rekayasa Lalu Lintas")),
            ("Bidang Angkutan", _seksi("Angkutan Orang", "Angkutan Barang")),
            ("Bidang Sarana dan Prasarana", _seksi("Perlengkapan Jalan", "Terminal")),
        ),
    ),
    OpdSpec(
        "DISDUKCAPIL",
        "Dinas Kependudukan dan Pencatatan Sipil",
        1.2,
        "dinas",
        (
            ("Bidang Pelayanan Pendaftaran Penduduk", _seksi("Identitas Penduduk", "Pindah")),
            ("Bidang Pelayanan Pencatatan Sipil", _seksi("Kelahiran", "Perkawinan")),
            ("Bidang Pengelolaan Informasi Administrasi Kependudukan", _seksi("Sistem", "Data")),
        ),
    ),
    OpdSpec(
        "BKAD",
        "Badan Keuangan dan Aset Daerah",
        1.2,
        "dinas",
        (
            ("Bidang Anggaran", _seksi("Anggaran Belanja", "Anggaran Pendapatan")),
            ("Bidang Perbendaharaan", _seksi("Belanja Langsung", "Kas Daerah")),
            ("Bidang Akuntansi", _seksi("Akuntansi", "Pelaporan Keuangan")),
            ("Bidang Aset", _seksi("Penatausahaan Aset", "Pemanfaatan Aset")),
        ),
        head="Kepala Badan",
    ),
    OpdSpec(
        "BAPENDA",
        "Badan Pendapatan Daerah",
        1.5,
        "dinas",
        (
            ("Bidang Pajak Daerah I", _seksi("Pajak Hotel dan Restoran", "Pajak Hiburan")),
            ("Bidang Pajak Daerah II", _seksi("PBB-P2", "BPHTB")),
            ("Bidang Pendataan dan Penetapan", _seksi("Pendataan", "Penetapan")),
        ),
        head="Kepala Badan",
    ),
    OpdSpec(
        "BAPPEDA",
        "Badan Perencanaan Pembangunan Daerah",
        0.8,
        "dinas",
        (
            ("Bidang Pemerintahan dan Pembangunan Manusia", _seksi("Pemerintahan", "Sosbud")),
            ("Bidang Perekonomian dan Sumber Daya Alam", _seksi("Ekonomi", "SDA")),
            ("Bidang Infrastruktur dan Kewilayahan", _seksi("Infrastruktur", "Tata Ruang")),
        ),
        head="Kepala Badan",
    ),
    OpdSpec(
        "INSPEKTORAT",
        "Inspektorat",
        0.9,
        "inspektorat",
        tuple((f"Inspektur Pembantu Wilayah {w}", ()) for w in ("I", "II", "III", "IV")),
        head="Inspektur",
    ),
    OpdSpec(
        "DLH",
        "Dinas Lingkungan Hidup",
        2.0,
        "dinas",
        (
            ("Bidang Tata Lingkungan", _seksi("Kajian Dampak Lingkungan", "Ruang Terbuka Hijau")),
            ("Bidang Pengendalian Pencemaran", _seksi("Pemantauan", "Penegakan Hukum")),
            ("Bidang Pengelolaan Sampah", _seksi("Penanganan Sampah", "Pengurangan Sampah")),
        ),
    ),
    OpdSpec(
        "DINSOS",
        "Dinas Sosial",
        0.8,
        "dinas",
        (
            ("Bidang Rehabilitasi Sosial", _seksi("Disabilitas", "Tuna Sosial")),
            ("Bidang Perlindungan dan Jaminan Sosial", _seksi("Bencana", "Jaminan Sosial")),
            ("Bidang Pemberdayaan Sosial", _seksi("Fakir Miskin", "Kepahlawanan")),
        ),
    ),
    OpdSpec("SETWAN", "Sekretariat DPRD", 0.8, "dinas", head="Sekretaris DPRD"),
    OpdSpec("DSDABMBK", "Dinas Sumber Daya Air, Bina Marga dan Bina Konstruksi", 1.5, "dinas"),
    OpdSpec(
        "DPKPCKTR",
        "Dinas Perumahan, Kawasan Permukiman, Cipta Karya dan Tata Ruang",
        1.2,
        "dinas",
    ),
    OpdSpec("DAMKAR", "Dinas Pemadam Kebakaran dan Penyelamatan", 1.5, "dinas"),
    OpdSpec("DISNAKER", "Dinas Tenaga Kerja", 0.6, "dinas"),
    OpdSpec(
        "DP3APMP2KB",
        "Dinas Pemberdayaan Perempuan, Perlindungan Anak, Pemberdayaan Masyarakat, "
        "Pengendalian Penduduk dan KB",
        1.0,
        "dinas",
    ),
    OpdSpec("DKPPP", "Dinas Ketahanan Pangan, Pertanian dan Perikanan", 0.9, "dinas"),
    OpdSpec("DKP", "Dinas Kebersihan dan Pertamanan", 1.5, "dinas"),
    OpdSpec("DKUKMPP", "Dinas Koperasi, UKM, Perindustrian dan Perdagangan", 0.9, "dinas"),
    OpdSpec("DPMPTSP", "Dinas Penanaman Modal dan PTSP", 0.6, "dinas"),
    OpdSpec("DISPORA", "Dinas Pemuda dan Olahraga", 0.5, "dinas"),
    OpdSpec("DISPAR", "Dinas Pariwisata", 0.5, "dinas"),
    OpdSpec("DISPUSIP", "Dinas Perpustakaan dan Kearsipan", 0.5, "dinas"),
    OpdSpec("BRIDA", "Badan Riset dan Inovasi Daerah", 0.4, "dinas", head="Kepala Badan"),
    OpdSpec("KESBANGPOL", "Badan Kesatuan Bangsa dan Politik", 0.4, "dinas", head="Kepala Badan"),
    OpdSpec("BPBD", "Badan Penanggulangan Bencana Daerah", 0.5, "dinas", head="Kepala Pelaksana"),
    OpdSpec("RSUD_BACHTIAR", "RSUD H. Bachtiar Djafar", 2.0, "rsud", head="Direktur"),
    *(
        OpdSpec(f"KEC_{k.upper()}", f"Kecamatan Medan {k}", 0.7, "kecamatan", head="Camat")
        for k in KECAMATAN
        if k != "Amplas"
    ),
)

KECAMATAN_SEKSI = _seksi(
    "Pemerintahan",
    "Ketenteraman dan Ketertiban Umum",
    "Pemberdayaan Masyarakat",
    "Kesejahteraan Sosial",
    "Pelayanan Umum",
)
RSUD_BIDANG = (
    ("Bidang Pelayanan Medik", _seksi("Rawat Jalan", "Rawat Inap")),
    ("Bidang Keperawatan", _seksi("Asuhan Keperawatan", "Etika dan Mutu Keperawatan")),
    ("Bidang Penunjang", _seksi("Penunjang Medik", "Penunjang Nonmedik")),
)
KELURAHAN_AMPLAS = (
    "Amplas",
    "Bangun Mulia",
    "Harjosari I",
    "Harjosari II",
    "Sitirejo II",
    "Sitirejo III",
    "Timbang Deli",
)
PUSKESMAS = (
    "Medan Amplas",
    "Kedai Durian",
    "Simalingkar",
    "Padang Bulan",
    "Sentosa Baru",
    "Glugur Darat",
    "Pulo Brayan",
    "Belawan",
    "Martubung",
    "Sunggal",
    "Helvetia",
    "Teladan",
    "Bromo",
    "Kota Matsum",
    "Petisah",
    "Polonia",
    "Darussalam",
    "Sei Agul",
    "Medan Johor",
    "Medan Deli",
    "Titi Papan",
    "Terjun",
    "Medan Labuhan",
    "Pekan Labuhan",
    "Tuntungan",
    "Medan Denai",
    "Tegal Sari",
    "Sukaramai",
    "Medan Area Selatan",
    "Rantang",
)
INSTALASI = (
    "Instalasi Gawat Darurat",
    "Instalasi Rawat Jalan",
    "Instalasi Rawat Inap",
    "Instalasi Bedah Sentral",
    "Instalasi Farmasi",
    "Instalasi Laboratorium",
    "Instalasi Radiologi",
    "Instalasi Gizi",
    "Instalasi Perawatan Intensif",
)

STAFF_POSITIONS = (
    "Pengadministrasi Perkantoran",
    "Penata Layanan Operasional",
    "Pengelola Layanan Operasional",
    "Operator Layanan Operasional",
    "Analis Kebijakan Ahli Pertama",
    "Analis Kebijakan Ahli Muda",
    "Arsiparis Terampil",
    "Pranata Komputer Ahli Pertama",
    "Pengolah Data dan Informasi",
    "Perencana Ahli Pertama",
)
TEACHER_POSITIONS = (
    "Guru Ahli Pertama",
    "Guru Ahli Muda",
    "Guru Ahli Madya",
    "Guru Kelas",
    "Guru Pendidikan Agama",
    "Guru Penjasorkes",
)
HEALTH_POSITIONS = (
    "Perawat Terampil",
    "Perawat Ahli Pertama",
    "Bidan Terampil",
    "Bidan Ahli Pertama",
    "Dokter Ahli Pertama",
    "Dokter Gigi Ahli Pertama",
    "Apoteker Ahli Pertama",
    "Nutrisionis Terampil",
    "Sanitarian Terampil",
    "Pranata Laboratorium Kesehatan Terampil",
    "Penyuluh Kesehatan Masyarakat Ahli Pertama",
)
SATPOL_POSITIONS = ("Polisi Pamong Praja Terampil", "Polisi Pamong Praja Ahli Pertama")
DAMKAR_POSITIONS = ("Analis Kebakaran Ahli Pertama", "Pemadam Kebakaran Terampil")

MALE_NAMES = (
    "Ahmad",
    "Muhammad",
    "Budi",
    "Rizky",
    "Fauzi",
    "Hendra",
    "Andi",
    "Syahrul",
    "Irwansyah",
    "Dedi",
    "Agus",
    "Bambang",
    "Joko",
    "Yusuf",
    "Ma'ruf",
    "Syafi'i",
    "Taufik",
    "Ridwan",
    "Hotman",
    "Parlindungan",
    "Marihot",
    "Sahat",
    "Benny",
    "Darwin",
    "Edy",
    "Ferdinand",
    "Johannes",
    "Rudi",
    "Zulkifli",
    "Arif",
    "Wahyu",
    "Fadli",
    "Ilham",
    "Khairul",
    "Dimas",
    "Teguh",
    "Sutrisno",
    "Hasan",
    "Robert",
    "Tommy",
)
FEMALE_NAMES = (
    "Siti",
    "Nur'aini",
    "Rahmawati",
    "Dewi",
    "Sri",
    "Fitri",
    "Yuni",
    "Rina",
    "Lestari",
    "Mawar",
    "Intan",
    "Putri",
    "Nurhayati",
    "Rosmawati",
    "Erna",
    "Lisbeth",
    "Dameria",
    "Tiurma",
    "Rosdiana",
    "Maria",
    "Elisabeth",
    "Yanti",
    "Wulan",
    "Ayu",
    "Melati",
    "Nurul",
    "Indah",
    "Novita",
    "Ratna",
    "Kartini",
    "Sartika",
    "Febriani",
    "Juliana",
    "Ani",
    "Susanti",
    "Wahyuni",
    "Fatimah",
    "Aisyah",
    "Khadijah",
    "Meutia",
)
SECOND_NAMES = (
    "Rahman",
    "Hidayat",
    "Saputra",
    "Pratama",
    "Wijaya",
    "Santoso",
    "Kurniawan",
    "Lestari",
    "Anggraini",
    "Permata",
    "Sari",
    "Utami",
    "Ramadhani",
    "Syahputra",
    "Fadillah",
    "Maulana",
)
MARGA = (
    "Siregar",
    "Nasution",
    "Harahap",
    "Lubis",
    "Sitorus",
    "Simanjuntak",
    "Hutapea",
    "Pane",
    "Tarigan",
    "Ginting",
    "Sembiring",
    "Purba",
    "Saragih",
    "Damanik",
    "Sinaga",
    "Panjaitan",
    "Situmorang",
    "Manurung",
    "Pasaribu",
    "Batubara",
    "Daulay",
    "Rangkuti",
    "Hasibuan",
    "Pohan",
    "Matondang",
    "Siahaan",
    "Tanjung",
    "Hutagalung",
)
DEGREES = ("S.E", "S.H", "S.Sos", "S.AP", "S.IP", "S.T", "S.Kom", "S.Ak", "A.Md")
MASTERS = ("M.Si", "M.AP", "M.M", "M.H", "M.Kom")


@dataclass
class _Person:
    """One roster line under construction."""

    nip: str
    name: str
    position: str
    unit: str
    supervisor: str
    roles: str = "pegawai"
    language: str = ""


@dataclass
class _Builder:
    """Generates people with unique NIPs from one random stream."""

    rng: random.Random
    serials: dict[str, int] = field(default_factory=dict)
    people: list[_Person] = field(default_factory=list)

    def nip(self, *, senior: bool, pppk: bool, female: bool) -> str:
        """A valid NIP: real birth date, appointment at 20+, gender digit, unique serial."""
        rng = self.rng
        if senior:
            birth = date.fromordinal(rng.randint(FIRST_ORDINAL, date(1982, 12, 31).toordinal()))
        else:
            birth = date.fromordinal(rng.randint(FIRST_ORDINAL, date(2000, 12, 31).toordinal()))
        earliest = birth.year + 20
        if pppk:
            # NI PPPK: appointment year then "21" (a contract count, not a month).
            year = rng.randint(max(2021, earliest), LAST_YEAR_APPOINTED)
            middle = f"{year}21"
        else:
            latest = min(LAST_YEAR_APPOINTED, earliest + (12 if senior else 20))
            year = rng.randint(earliest, max(earliest, latest))
            middle = f"{year}{rng.randint(1, 12):02d}"
        prefix = f"{birth:%Y%m%d}{middle}{2 if female else 1}"
        serial = self.serials.get(prefix, rng.randint(0, 3)) + 1
        self.serials[prefix] = serial
        return f"{prefix}{serial:03d}"

    def name(self, *, female: bool, degree: str | None, leader: bool) -> str:
        """An Indonesian name as a roster would spell it, titles included."""
        rng = self.rng
        first = rng.choice(FEMALE_NAMES if female else MALE_NAMES)
        roll = rng.random()
        if roll < 0.45:
            name = f"{first} {rng.choice(MARGA)}"
        elif roll < 0.8:
            name = f"{first} {rng.choice(SECOND_NAMES)}"
        else:
            name = f"{first} {rng.choice(SECOND_NAMES)} {rng.choice(MARGA)}"
        prefix = ""
        if degree in {"dr.", "drg."}:
            prefix, degree = f"{degree} ", ""
        elif leader and rng.random() < 0.15:
            prefix = "Hj. " if female else "H. "
        suffix = ""
        if degree:
            suffix = f", {degree}"
            if leader and rng.random() < 0.6:
                suffix += f", {rng.choice(MASTERS)}"
        elif degree is None and rng.random() < 0.6:
            suffix = f", {rng.choice(DEGREES)}"
        return f"{prefix}{name}{suffix}"

    def add(
        self,
        *,
        position: str,
        unit: str,
        supervisor: str,
        leader: bool = False,
        pppk: bool = False,
        degree: str | None = None,
        roles: str = "pegawai",
    ) -> str:
        """Add one person and return their NIP."""
        rng = self.rng
        female = rng.random() < 0.52
        nip = self.nip(senior=leader, pppk=pppk, female=female)
        name = self.name(female=female, degree=degree, leader=leader)
        roll = rng.random()
        language = "en" if roll < 0.01 else "id" if roll < 0.05 else ""
        self.people.append(_Person(nip, name, position, unit, supervisor, roles, language))
        return nip


@dataclass(frozen=True)
class _Post:
    """A structural position: who holds it, their unit, and their parent post."""

    key: str
    parent: str | None
    position: str
    unit: str
    roles: str = "pegawai"


def _structure(spec: OpdSpec) -> list[_Post]:
    """The OPD's structural posts, ordered so every prefix is a sensible smaller OPD."""
    head = spec.head or f"Kepala {spec.name}"
    posts: list[tuple[float, _Post]] = [(0, _Post("head", None, head, ""))]
    if spec.kind == "setda":
        sek = _Post("sek", "head", "Kepala Bagian Umum", "Bagian Umum")
    elif spec.kind == "kecamatan":
        sek = _Post("sek", "head", "Sekretaris Camat", "Sekretariat Kecamatan")
    elif spec.kind == "rsud":
        sek = _Post("sek", "head", "Kepala Bagian Umum", "Bagian Umum dan Keuangan")
    else:
        sek = _Post("sek", "head", "Sekretaris", "Sekretariat")
    posts.append((1, sek))
    umum = "Subbagian Umum dan Kepegawaian"
    posts.append((2, _Post("umum", "sek", f"Kepala {umum}", umum, roles="pegawai;hr")))
    for rank, sub in enumerate(("Subbagian Keuangan", "Subbagian Perencanaan dan Pelaporan")):
        posts.append((6.5 + 10 * rank, _Post(f"sub{rank}", "sek", f"Kepala {sub}", sub)))

    if spec.kind == "kecamatan":
        for i, seksi in enumerate(KECAMATAN_SEKSI):
            posts.append((3 + i * 2, _Post(f"s{i}", "head", f"Kepala {seksi}", seksi)))
        return [post for _rank, post in sorted(posts, key=lambda p: p[0])]

    bidang = spec.bidang or (RSUD_BIDANG if spec.kind == "rsud" else GENERIC_BIDANG)
    for i, (bidang_name, seksi_names) in enumerate(bidang):
        title = bidang_name if not bidang_name.startswith("Bidang") else f"Kepala {bidang_name}"
        posts.append((3 + i, _Post(f"b{i}", "head", title, bidang_name)))
        for j, seksi in enumerate(seksi_names):
            title = f"Kepala {seksi}"
            posts.append((10 + 10 * j + i, _Post(f"b{i}s{j}", f"b{i}", title, seksi)))
    return [post for _rank, post in sorted(posts, key=lambda p: p[0])]


def _service_units(spec: OpdSpec) -> Iterator[tuple[str, str, str]]:
    """Endless (unit name, head's position, staff kind) for schools, puskesmas, wards..."""
    n = 0
    while True:
        n += 1
        if spec.code == "DISDIKBUD":
            if n % 8 == 0:
                yield f"SMP Negeri {n // 8} Medan", "Kepala Sekolah", "teacher"
            else:
                yield f"SD Negeri {60800 + n * 7:06d} Medan", "Kepala Sekolah", "teacher"
        elif spec.code == "DINKES":
            place = PUSKESMAS[(n - 1) % len(PUSKESMAS)]
            round_ = (n - 1) // len(PUSKESMAS)
            suffix = f" {_roman(round_ + 1)}" if round_ else ""
            yield f"Puskesmas {place}{suffix}", "Kepala Puskesmas", "health"
        elif spec.kind == "rsud":
            if n <= len(INSTALASI):
                yield INSTALASI[n - 1], "Kepala Instalasi", "health"
            else:
                yield f"Ruang Rawat Inap {n - len(INSTALASI)}", "Kepala Ruangan", "health"
        elif spec.code == "KEC_AMPLAS" and n <= len(KELURAHAN_AMPLAS):
            yield f"Kelurahan {KELURAHAN_AMPLAS[n - 1]}", "Lurah", "general"
        elif spec.kind == "kecamatan":
            place = spec.name.removeprefix("Kecamatan Medan ")
            yield f"Kelurahan {place} {_roman(n)}", "Lurah", "general"
        else:
            yield f"UPT {spec.code} Wilayah {_roman(n)}", "Kepala UPT", "general"


def _roman(n: int) -> str:
    numerals = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
    out = []
    for value, letters in numerals:
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def _staff_position(spec: OpdSpec, kind: str, unit: str, rng: random.Random) -> tuple[str, str]:
    """A (jabatan, degree) pair fitting the unit the staff member works in."""
    if kind == "teacher":
        return rng.choice(TEACHER_POSITIONS), "S.Pd"
    if kind == "health":
        position = rng.choice(HEALTH_POSITIONS)
        if position.startswith("Dokter Gigi"):
            return position, "drg."
        if position.startswith("Dokter"):
            return position, "dr."
        if position.startswith(("Perawat", "Bidan")):
            return position, rng.choice(("S.Kep, Ns", "A.Md.Kep", "A.Md.Keb"))
        return position, rng.choice(("S.K.M", "S.Farm", "A.Md.Kes"))
    if unit == "Subbagian Umum dan Kepegawaian":
        return rng.choice(("Analis SDM Aparatur Ahli Pertama", "Pengadministrasi Umum")), "S.Sos"
    if unit == "Subbagian Keuangan":
        return rng.choice(("Bendahara", "Analis Keuangan Ahli Pertama")), "S.E"
    if spec.code == "SATPOLPP":
        return rng.choice(SATPOL_POSITIONS), ""
    if spec.code == "DAMKAR":
        return rng.choice(DAMKAR_POSITIONS), ""
    if spec.code == "DISKOMINFO" and rng.random() < 0.5:
        return "Pranata Komputer Ahli Pertama", "S.Kom"
    return rng.choice(STAFF_POSITIONS), ""


def _allocate(n: int, specs: Sequence[OpdSpec], minimum: int) -> list[int]:
    """Split n employees over the OPDs by weight (largest remainder), each at least `minimum`."""
    spare = n - minimum * len(specs)
    total_weight = sum(s.weight for s in specs)
    shares = [spare * s.weight / total_weight for s in specs]
    counts = [int(share) for share in shares]
    order = sorted(range(len(specs)), key=lambda i: counts[i] - shares[i])
    for i in order[: spare - sum(counts)]:
        counts[i] += 1
    return [minimum + c for c in counts]


def _build_opd(builder: _Builder, spec: OpdSpec, size: int, city_head: str, bkpsdm: bool) -> None:
    """Fill one OPD with `size` people: structural leaders, then staff and service units."""
    rng = builder.rng
    posts = _structure(spec)
    # Roughly one structural leader per eight people; at least head, secretary, HR and one
    # more leader, so even a tiny OPD has a team without HR duties.
    n_posts = max(4, min(len(posts), size // 8))
    posts = posts[:n_posts]
    holder: dict[str, str] = {}
    for post in posts:
        parent = holder[post.parent] if post.parent else city_head
        degree = "S.Pd" if spec.code == "DISDIKBUD" else "S.Kep, Ns" if spec.kind == "rsud" else ""
        holder[post.key] = builder.add(
            position=post.position,
            unit=post.unit,
            supervisor=parent,
            leader=True,
            degree=degree or rng.choice(DEGREES),
            roles=post.roles,
        )
    remaining = size - len(posts)
    if bkpsdm:
        # City-wide HR officers and the one admin live in BKPSDM.
        info = "Bidang Pengadaan, Pemberhentian dan Informasi Kepegawaian"
        unit_boss = holder.get("b0", holder["sek"])
        for position, roles in (
            ("Analis SDM Aparatur Ahli Muda", "pegawai;hr"),
            ("Analis SDM Aparatur Ahli Pertama", "pegawai;hr"),
            ("Pranata Komputer Ahli Muda", "pegawai;admin"),
        ):
            builder.add(position=position, unit=info, supervisor=unit_boss, roles=roles)
        remaining -= 3
    # Each OPD's HR desk gets an HR analyst next to its head of subdivision when large enough.
    if remaining > 20:
        builder.add(
            position="Analis SDM Aparatur Ahli Pertama",
            unit="Subbagian Umum dan Kepegawaian",
            supervisor=holder["umum"],
            roles="pegawai;hr",
            degree="S.Sos",
        )
        remaining -= 1

    parents_of_posts = {p.parent for p in posts}
    leaves = [p for p in posts if p.key not in parents_of_posts]
    # Most teams are small; about one in five leaders has 30-40 staff.
    targets = [rng.randint(30, 40) if rng.random() < 0.2 else rng.randint(4, 14) for _ in leaves]
    structural = min(remaining, sum(targets))
    for post in rng.choices(leaves, weights=targets, k=structural):
        position, degree = _staff_position(spec, "general", post.unit, rng)
        builder.add(
            position=position,
            unit=post.unit,
            supervisor=holder[post.key],
            pppk=rng.random() < 0.15,
            degree=degree or None,
        )
    remaining -= structural

    if spec.kind in {"setda", "inspektorat"}:
        # No schools or wards here: the extra people join the existing teams, spread evenly.
        for i in range(remaining):
            post = leaves[i % len(leaves)]
            position, degree = _staff_position(spec, "general", post.unit, rng)
            builder.add(position=position, unit=post.unit, supervisor=holder[post.key])
        return
    parents = [holder[p.key] for p in posts if p.key.startswith("b") and "s" not in p.key]
    parents = parents or [holder["head"]]
    units = _service_units(spec)
    index = 0
    while remaining > 0:
        unit, head_title, kind = next(units)
        team = min(remaining - 1, rng.randint(15, 40))
        boss = builder.add(
            position=head_title,
            unit=unit,
            supervisor=parents[index % len(parents)],
            leader=True,
            degree="S.Pd" if kind == "teacher" else None,
        )
        index += 1
        remaining -= 1
        for _ in range(team):
            position, degree = _staff_position(spec, kind, unit, rng)
            builder.add(
                position=position,
                unit=unit,
                supervisor=boss,
                pppk=rng.random() < (0.3 if kind != "general" else 0.15),
                degree=degree or None,
            )
        remaining -= team


def generate_roster(
    n_employees: int = 300, *, seed: int = 7, opd_count: int | None = None
) -> list[dict[str, str]]:
    """Generate a deterministic synthetic Medan roster with the roster file's columns."""
    if n_employees < MIN_EMPLOYEES:
        raise ValueError(f"a demo organisation needs at least {MIN_EMPLOYEES} employees")
    minimum = 8  # four structural leaders (see _build_opd), BKPSDM's three officers, staff
    if opd_count is None:
        opd_count = max(6, n_employees // 100)
    opd_count = max(1, min(opd_count, len(OPDS), n_employees // minimum))
    specs = list(OPDS[:opd_count])
    if not any(s.code == "BKPSDM" for s in specs):
        specs[-1] = next(s for s in OPDS if s.code == "BKPSDM")
    sizes = _allocate(n_employees, specs, minimum)
    builder = _Builder(random.Random(seed))
    rows: list[dict[str, str]] = []
    city_head = ""
    for spec, size in zip(specs, sizes, strict=True):
        start = len(builder.people)
        _build_opd(builder, spec, size, city_head, bkpsdm=spec.code == "BKPSDM")
        if spec.code == "SETDA":
            # Heads of the other OPDs are rated by the Sekretaris Daerah (PP 30/2019).
            city_head = builder.people[start].nip
        rows.extend(
            {
                "nip": p.nip,
                "nama": p.name,
                "jabatan": p.position,
                "opd_kode": spec.code,
                "opd_nama": spec.name,
                "unit": p.unit,
                "nip_atasan": p.supervisor,
                "peran": p.roles,
                "bahasa": p.language,
            }
            for p in builder.people[start:]
        )
    return rows


def write_roster_csv(rows: Sequence[dict[str, str]], path: Path) -> None:
    """Write rows as a UTF-8 roster CSV with the contract's header."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=ROSTER_COLUMNS, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_roster_xlsx(rows: Sequence[dict[str, str]], path: Path) -> None:
    """Write rows as a roster XLSX; NIPs stay text so Excel cannot round them."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Pegawai")
    sheet.append(list(ROSTER_COLUMNS))
    for row in rows:
        sheet.append([row.get(column, "") for column in ROSTER_COLUMNS])
    workbook.save(path)


def pick_demo_people(rows: Sequence[dict[str, str]]) -> dict[str, str]:
    """Pick the NIPs of an HR officer, a leader with staff and one of that leader's staff.

    The three belong together: the employee reports to the leader and the HR officer covers
    their OPD. Diskominfo is preferred (a natural pilot OPD), then any other.
    """
    reports: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        if row["nip_atasan"]:
            reports.setdefault(row["nip_atasan"], []).append(row)
    by_nip = {row["nip"]: row for row in rows}

    def plain(row: dict[str, str]) -> bool:
        return row["peran"] in {"", "pegawai"} and row["nip"] not in reports

    candidates = []
    for leader_nip, staff in reports.items():
        leader = by_nip.get(leader_nip)
        if leader is None or leader["peran"] not in {"", "pegawai"}:
            continue
        employees = [r for r in staff if plain(r)]
        if employees:
            preferred = leader["opd_kode"] == "DISKOMINFO"
            candidates.append((not preferred, -min(len(employees), 10), leader, employees[0]))
    candidates.sort(key=lambda c: (c[0], c[1]))
    for _preferred, _size, leader, employee in candidates:
        hr = [
            r
            for r in rows
            if r["opd_kode"] == leader["opd_kode"] and "hr" in r["peran"].split(";")
        ]
        if hr:
            return {"hr": hr[0]["nip"], "leader": leader["nip"], "employee": employee["nip"]}
    raise ValueError("the roster has no leader with plain staff and an HR officer")
