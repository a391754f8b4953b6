"""The figures behind the demo data set (participants/demo.py): one plan per Kalimantan regency/city.

Orders of magnitude follow the real region (Kota Samarinda, Balikpapan, Banjarmasin and Pontianak have a
potential workforce of 300-360 thousand, the smallest regencies 20-30 thousand), but every number here is
demo data, not a BPS or BPJS figure. The story the numbers tell (README, *Demo data*):

- Coverage differs the way a Kanwil head expects: the coal regencies (Kutai Timur, Berau, Kutai
  Kartanegara) and the industrial city of Bontang cover most of their wage earners; the rural regencies
  of Kalimantan Barat, the hulu of Kalimantan Selatan and the interior of Kalimantan Tengah have many
  farmers and fishers (high BPU potential) and low coverage; the cities sit in between with more PU.
- Kota Singkawang (61.72) had 16,684 active participants of a potential 73,236 on the audiensi of
  12 June 2025 (22.78 %). Since then the city enrolled its non-ASN staff (September 2025) and pays the
  contributions of 1,400 vulnerable workers from its 2026 budget (January 2026): it climbs.
- Kabupaten Penajam Paser Utara climbs fastest: construction around the new capital (Jakon) and,
  from March 2025, contributions for vulnerable workers paid from the regency's budget (APBD 2025).
- Kabupaten Kubu Raya and Kota Banjarbaru (Kalimantan Selatan's capital since 2022) climb steadily.
- Kabupaten Kutai Barat falls: the coal-mining contractor PT Bara Kutai Barat Perkasa (fictitious)
  stopped paying its contributions; its 2,600 workers have not been active since the last day of the
  month four months before the demo was loaded (31 July 2026 for a load on 28 November 2026). Nobody
  lost a job: coverage fell because of arrears (DOMAIN.md, *Arrears*).
- Several interior regencies stay flat.
"""

from typing import NamedTuple


class CityPlan(NamedTuple):
    potential_pu: int  # workforce estimate 2025 (the 2024 and 2026 estimates derive from it)
    potential_bpu: int
    pu_percent: float  # PU coverage (PU + Jakon + PMI over potential PU) today, of the 2026 estimate
    bpu_percent: float
    growth: float  # active participants today / 24 months ago (before arrears and one-off enrolments)
    profile: str  # the local economy: employers' sectors and sizes, wages (PROFILES)


# fmt: off
CITY_PLANS = {
    # Kalimantan Barat
    "61.01": CityPlan(29_000, 65_000, 31, 6, 1.03, "rural"),       # Sambas
    "61.02": CityPlan(22_000, 31_000, 35, 7, 1.05, "rural"),       # Mempawah
    "61.03": CityPlan(37_000, 48_000, 45, 7, 1.04, "sawit"),       # Sanggau
    "61.04": CityPlan(41_000, 45_000, 47, 7, 1.05, "sawit"),       # Ketapang
    "61.05": CityPlan(22_000, 48_000, 33, 6, 1.02, "rural"),       # Sintang
    "61.06": CityPlan(13_000, 33_000, 34, 6, 1.00, "rural"),       # Kapuas Hulu
    "61.07": CityPlan(16_000, 27_000, 34, 6, 1.04, "rural"),       # Bengkayang
    "61.08": CityPlan(18_000, 45_000, 33, 6, 1.01, "rural"),       # Landak
    "61.09": CityPlan(12_000, 23_000, 38, 6, 1.03, "sawit"),       # Sekadau
    "61.10": CityPlan(8_000, 25_000, 34, 6, 0.99, "rural"),        # Melawi
    "61.11": CityPlan(6_000, 14_000, 34, 6, 1.02, "perikanan"),    # Kayong Utara
    "61.12": CityPlan(45_000, 56_000, 37, 8, 1.30, "rural"),       # Kubu Raya: climbs
    "61.71": CityPlan(205_000, 100_000, 44, 12, 1.08, "kota"),     # Kota Pontianak
    "61.72": CityPlan(38_912, 34_324, 0, 0, 0, "kota"),            # Kota Singkawang: SINGKAWANG_* in demo.py
    # Kalimantan Tengah
    "62.01": CityPlan(29_000, 22_000, 48, 8, 1.05, "sawit"),       # Kotawaringin Barat
    "62.02": CityPlan(43_000, 33_000, 46, 7, 1.04, "sawit"),       # Kotawaringin Timur
    "62.03": CityPlan(20_000, 51_000, 32, 6, 1.02, "rural"),       # Kapuas
    "62.04": CityPlan(8_000, 14_000, 36, 6, 1.00, "rural"),        # Barito Selatan
    "62.05": CityPlan(9_000, 13_000, 44, 7, 1.03, "batubara"),    # Barito Utara
    "62.06": CityPlan(8_000, 20_000, 34, 6, 1.02, "rural"),       # Katingan
    "62.07": CityPlan(16_000, 14_000, 45, 6, 1.03, "sawit"),       # Seruyan
    "62.08": CityPlan(9_000, 11_000, 42, 6, 1.01, "sawit"),        # Sukamara
    "62.09": CityPlan(9_000, 11_000, 43, 6, 1.02, "sawit"),       # Lamandau
    "62.10": CityPlan(6_000, 14_000, 34, 6, 1.01, "rural"),        # Gunung Mas
    "62.11": CityPlan(7_000, 17_000, 34, 6, 1.00, "rural"),        # Pulang Pisau
    "62.12": CityPlan(9_000, 11_000, 42, 7, 1.03, "batubara"),    # Murung Raya
    "62.13": CityPlan(8_000, 12_000, 42, 7, 1.02, "batubara"),     # Barito Timur
    "62.71": CityPlan(53_000, 27_000, 46, 14, 1.07, "kota"),       # Kota Palangkaraya
    # Kalimantan Selatan
    "63.01": CityPlan(27_000, 29_000, 41, 7, 1.04, "sawit"),       # Tanah Laut
    "63.02": CityPlan(28_000, 26_000, 45, 7, 1.04, "batubara"),    # Kotabaru
    "63.03": CityPlan(33_000, 55_000, 37, 7, 1.05, "rural"),       # Banjar
    "63.04": CityPlan(14_000, 43_000, 33, 6, 1.01, "rural"),       # Barito Kuala
    "63.05": CityPlan(13_000, 17_000, 45, 7, 1.03, "batubara"),    # Tapin
    "63.06": CityPlan(12_000, 32_000, 34, 6, 1.02, "rural"),       # Hulu Sungai Selatan
    "63.07": CityPlan(12_000, 37_000, 34, 6, 1.01, "rural"),       # Hulu Sungai Tengah
    "63.08": CityPlan(9_000, 32_000, 34, 6, 1.00, "rural"),       # Hulu Sungai Utara
    "63.09": CityPlan(22_000, 16_000, 56, 9, 1.04, "batubara"),    # Tabalong
    "63.10": CityPlan(33_000, 20_000, 53, 8, 1.05, "batubara"),    # Tanah Bumbu
    "63.11": CityPlan(10_000, 12_000, 49, 7, 1.03, "batubara"),    # Balangan
    "63.71": CityPlan(210_000, 100_000, 45, 12, 1.07, "kota"),     # Kota Banjarmasin
    "63.72": CityPlan(56_000, 25_000, 50, 15, 1.14, "kota"),       # Kota Banjarbaru: climbs
    # Kalimantan Timur
    "64.01": CityPlan(31_000, 18_000, 53, 9, 1.04, "sawit"),       # Paser
    "64.02": CityPlan(88_000, 43_000, 61, 10, 1.06, "batubara"),  # Kutai Kartanegara
    "64.03": CityPlan(34_000, 14_000, 65, 11, 1.06, "batubara"),   # Berau
    "64.07": CityPlan(20_000, 12_000, 45, 7, 1.00, "batubara"),    # Kutai Barat: falls (FALLING in demo.py)
    "64.08": CityPlan(55_000, 19_000, 67, 10, 1.07, "batubara"),   # Kutai Timur
    "64.09": CityPlan(32_000, 20_000, 45, 26, 1.20, "kota"),       # Penajam Paser Utara: climbs
    "64.11": CityPlan(8_000, 12_000, 33, 5, 1.01, "rural"),        # Mahakam Ulu
    "64.71": CityPlan(240_000, 80_000, 58, 18, 1.10, "kota"),      # Kota Balikpapan
    "64.72": CityPlan(250_000, 110_000, 50, 14, 1.09, "kota"),     # Kota Samarinda
    "64.74": CityPlan(42_000, 16_000, 66, 16, 1.05, "kota"),       # Kota Bontang
    # Kalimantan Utara
    "65.01": CityPlan(17_000, 14_000, 45, 7, 1.04, "sawit"),       # Bulungan
    "65.02": CityPlan(11_000, 9_000, 47, 7, 1.03, "batubara"),     # Malinau
    "65.03": CityPlan(24_000, 22_000, 39, 7, 1.03, "perikanan"),   # Nunukan
    "65.04": CityPlan(10_000, 10_000, 41, 7, 1.00, "rural"),       # Tana Tidung
    "65.71": CityPlan(42_000, 23_000, 51, 14, 1.05, "kota"),       # Kota Tarakan
}
# fmt: on

# Growth of the potential workforce between yearly estimates (cities grow faster than the interior).
POTENTIAL_GROWTH = {"kota": 0.022, "sawit": 0.015, "batubara": 0.017, "perikanan": 0.012, "rural": 0.010}
# Regencies on the Malaysian border, and Nunukan's port, send more migrant workers (PMI).
PMI_SHARE = {"61.01": 0.07, "61.03": 0.06, "61.05": 0.05, "61.06": 0.05, "61.07": 0.06, "65.03": 0.10}


class Profile(NamedTuple):
    jakon_share: float  # of the PU group (PU + Jakon + PMI)
    pmi_share: float
    female_share: float  # of PU workers
    large_share: float  # of PU workers employed by the few large employers
    large_sectors: tuple  # (sector, weight) of large employers
    small_sectors: tuple  # (sector, weight) of the long tail
    high_wage_share: float  # PU workers earning well above the minimum wage


SMALL_COMMON = (
    ("Perdagangan", 38),
    ("Jasa", 26),
    ("Konstruksi", 7),
    ("Industri pengolahan", 8),
    ("Transportasi", 6),
)
PROFILES = {
    "kota": Profile(
        0.08,
        0.01,
        0.44,
        0.20,
        (("Pemerintahan/BUMD", 4), ("Perdagangan", 3), ("Jasa", 3), ("Transportasi", 1), ("Industri pengolahan", 1)),
        (*SMALL_COMMON, ("Perikanan", 2), ("Pemerintahan/BUMD", 1)),
        0.42,
    ),
    "sawit": Profile(
        0.05,
        0.02,
        0.30,
        0.48,
        (("Perkebunan sawit", 8), ("Pemerintahan/BUMD", 1), ("Perdagangan", 1)),
        (*SMALL_COMMON, ("Perkebunan sawit", 12), ("Perikanan", 2)),
        0.25,
    ),
    "batubara": Profile(
        0.06,
        0.01,
        0.16,
        0.52,
        (("Pertambangan batu bara", 7), ("Perkebunan sawit", 2), ("Pemerintahan/BUMD", 1)),
        (*SMALL_COMMON, ("Pertambangan batu bara", 8), ("Perkebunan sawit", 4)),
        0.55,
    ),
    "perikanan": Profile(
        0.05,
        0.02,
        0.36,
        0.30,
        (("Perikanan", 4), ("Perkebunan sawit", 3), ("Pemerintahan/BUMD", 1), ("Perdagangan", 1)),
        (*SMALL_COMMON, ("Perikanan", 14), ("Perkebunan sawit", 4)),
        0.22,
    ),
    "rural": Profile(
        0.05,
        0.02,
        0.34,
        0.28,
        (("Perkebunan sawit", 5), ("Pemerintahan/BUMD", 3), ("Perdagangan", 1)),
        (*SMALL_COMMON, ("Perkebunan sawit", 10), ("Perikanan", 4)),
        0.20,
    ),
}

# Rivers and landmarks of each province, for employer names (all names are fictitious).
PLACES = {
    "61": ["Kapuas", "Landak", "Sambas", "Khatulistiwa", "Sekadau", "Melawi", "Pawan", "Borneo"],
    "62": ["Kahayan", "Katingan", "Mentaya", "Barito", "Seruyan", "Lamandau", "Arut", "Borneo"],
    "63": ["Martapura", "Meratus", "Barito", "Banjar", "Tabalong", "Amandit", "Negara", "Borneo"],
    "64": ["Mahakam", "Kutai", "Paser", "Berau", "Sangatta", "Kedang", "Belayan", "Borneo"],
    "65": ["Kayan", "Sesayap", "Tidung", "Sebuku", "Sembakung", "Malinau", "Borneo"],
}
WORDS = [
    "Sumber Rejeki", "Maju Bersama", "Cahaya", "Berkah", "Mitra Usaha", "Harapan Baru", "Karya Mandiri",
    "Sinar Jaya", "Sejahtera", "Abadi", "Mulia", "Permata", "Bintang Timur", "Anugerah", "Sentosa", "Makmur",
    "Tunas Muda", "Setia Kawan", "Amanah", "Barokah", "Prima", "Sukses Bersama", "Rezeki Baru", "Indah",
]  # fmt: skip
SUFFIXES = ["Lestari", "Perkasa", "Utama", "Mandiri", "Jaya", "Abadi", "Sejahtera", "Makmur"]
# Per sector: the large employers' name patterns with the most workers such an employer has, and the small
# ones' patterns. {place}, {word}, {suffix}, {city} (full name), {town} (without Kabupaten/Kota) are filled
# in; a pattern naming the city is used once per city.
EMPLOYER_NAMES = {
    "Perkebunan sawit": (
        [("PT Agro {place} {suffix}", 4000), ("PT Sawit {place} {suffix}", 4000), ("PT Perkebunan {word} {suffix}", 2500)],
        ["Koperasi Sawit {word}", "KUD {word}", "CV Kebun {word}"],
    ),
    "Pertambangan batu bara": (
        [("PT Bara {place} {suffix}", 5000), ("PT Energi {place} {suffix}", 4000), ("PT Jasa Tambang {place} {suffix}", 3000)],
        ["CV Tambang {word}", "PT Rental Alat Berat {word}", "CV {word} Bara"],
    ),
    "Perdagangan": (
        [("PT Swalayan {word} {place}", 1500), ("PT Distribusi {place} {suffix}", 700)],
        ["Toko {word}", "UD {word}", "CV {word} Niaga", "Toko Bangunan {word}", "Apotek {word}"],
    ),
    "Jasa": (
        [
            ("RS {word} {town}", 900),
            ("PT Hotel {place} {suffix}", 400),
            ("PT Satria Sekuriti {place}", 2500),
            ("PT Mitra Tenaga Kerja {place}", 3000),
        ],
        ["Klinik {word}", "Bengkel {word}", "Hotel {word}", "PT {word} Jasa Mandiri", "Rumah Makan {word}"],
    ),
    "Konstruksi": (
        [("PT {place} Karya {suffix}", 2500), ("PT Bangun {place} {suffix}", 2000)],
        ["CV {word} Konstruksi", "CV Karya {word}", "PT {word} Bangun Persada"],
    ),
    "Perikanan": (
        [("PT {place} Bahari {suffix}", 1200), ("PT Cold Storage {place} {suffix}", 600)],
        ["Koperasi Nelayan {word}", "CV {word} Perikanan", "UD Ikan {word}"],
    ),
    "Pemerintahan/BUMD": (
        [
            ("Pemerintah {city} (pegawai non-ASN)", 3500),
            ("Perumda Air Minum {town}", 500),
            ("RSUD {town}", 900),
            ("Perumda Pasar {town}", 300),
        ],
        ["BUMDes {word}", "Koperasi Pegawai {word}", "Yayasan Pendidikan {word}"],
    ),
    "Industri pengolahan": (
        [("PT {place} Plywood {suffix}", 2000), ("PT Pangan {place} {suffix}", 800)],
        ["CV {word} Pangan", "UD Kayu {word}", "CV {word} Rotan"],
    ),
    "Transportasi": (
        [("PT Pelabuhan {place} {suffix}", 800), ("PT Logistik {place} {suffix}", 600)],
        ["CV {word} Ekspedisi", "Koperasi TKBM {word}", "PT Angkutan {word}"],
    ),
}

MALE_NAMES = [
    "Ahmad", "Muhammad", "Budi", "Eko", "Hendra", "Joko", "Rahmat", "Teguh", "Wahyu", "Zainal", "Bayu", "Fajar",
    "Hadi", "Irwan", "Mulyadi", "Agus", "Andi", "Arif", "Dedi", "Fauzi", "Gusti", "Hasan", "Iwan", "Yohanes",
    "Stefanus", "Antonius", "Petrus", "Yakobus", "Markus", "Rusdi", "Syahrani", "Saberan", "Hendrik", "Sutanto",
    "Rizky", "Dimas", "Yusuf", "Herman", "Slamet", "Baso",
]  # fmt: skip
FEMALE_NAMES = [
    "Siti", "Dewi", "Fitri", "Indah", "Kartika", "Nur", "Oktavia", "Putri", "Utami", "Yanti", "Ayu", "Dian",
    "Lina", "Novi", "Rina", "Sri", "Maria", "Agustina", "Elisabeth", "Rosalina", "Norhayati", "Rahmah", "Aminah",
    "Halimah", "Mariani", "Susanti", "Lilis", "Mei Ling", "Wati", "Nurul",
]  # fmt: skip
MALE_SURNAMES = [
    "Saputra", "Pratama", "Hidayat", "Kurniawan", "Santoso", "Wijaya", "Setiawan", "Gunawan", "Syahputra",
    "Rahman", "Noor", "Hakim", "Firmansyah", "Ramadhan", "Nugroho", "Effendi", "Saleh", "Ismail",
]  # fmt: skip
FEMALE_SURNAMES = [
    "Lestari", "Wulandari", "Rahmawati", "Sari", "Anggraini", "Purnamasari", "Handayani", "Novita", "Safitri",
    "Puspita", "Oktaviani", "Yuliani", "Maulida", "Hasanah",
]  # fmt: skip
FAMILY_NAMES = ["Tan", "Lim", "Halim", "Siregar", "Nasution", "Sinaga", "Gultom", "Ngo", "Wong", "Lie"]
