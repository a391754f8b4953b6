"""The scorecard (issue 14, Paritrana aspects): scores traced to their evidence rows, the ranking by hand
calculation, a weight (data) flipping the ranking, "what would move this city up" against a hand calculation,
scoping and refusals. The `kalbar` fixture (conftest.py) holds the two cities' hand calculation.

Default weights (commitments/migrations/0004): effective share of the total = aspect weight x indicator weight:
regulasi 25; apbd_dianggarkan 12.25, apbd_terealisasi 8.75, perizinan 7, non_asn 7; ucj 12, pertumbuhan 8,
cakupan_pu 6, cakupan_bpu 8, pemberi_kerja 6. Figures are read on 31 December 2025."""

from decimal import Decimal

import pytest

from commitments.models import Commitment, ScoreAspect, ScoreEvidence, ScoreIndicator
from commitments.selectors import city_scorecard, province_ranking, scoring_rules
from commitments.services import ScoreRefusal, scores_refresh
from commitments.tests.conftest import YEAR, figures
from regions.models import City

pytestmark = pytest.mark.django_db
RATE = 16_800


def test_the_ranking_follows_the_hand_calculation(kalbar, users):
    rows, totals = province_ranking(users["admin"], "61", year=YEAR, rules=scoring_rules())
    assert [(row.code, row.total, row.rank) for row in rows[:3]] == [
        ("61.71", Decimal("52.40"), 1),
        ("61.72", Decimal("47.60"), 2),
        ("61.07", Decimal("0.00"), 3),  # the twelve others tie at 0, share rank 3, by name: Bengkayang
    ]
    assert {row.rank for row in rows[2:]} == {3}
    assert len(totals) == 14
    assert rows[1].aspects == {"kebijakan": Decimal("25.00"), "penerapan": Decimal("7.00"), "kinerja": Decimal("15.60")}


def test_every_score_traces_to_its_evidence_rows(kalbar, users, login, make_commitment):
    rows = {row.indicator.code: row for row in ScoreEvidence.objects.filter(city="61.72", year=YEAR)}
    regulations = rows["regulasi"]
    assert (regulations.raw_value, regulations.score) == (2, 100)
    assert [c["code"] for c in regulations.basis["commitments"]] == ["PERDA-6172", "SE-6172"]  # not the lapsed one
    allocated = rows["apbd_dianggarkan"]
    assert (allocated.raw_value, allocated.score, allocated.basis["commitments"]) == (0, 0, [])  # planned only
    assert allocated.basis["potential_bpu"] == 4_000
    ucj = rows["ucj"]
    assert (ucj.raw_value, ucj.score) == (Decimal("30.00"), 60)
    assert ucj.basis["figures"] == {
        "source": "live", "snapshot": None, "period": None, "as_of": "2025-12-31", "active_pu": 2_400,
        "active_bpu": 600, "potential_pu": 6_000, "potential_bpu": 4_000, "active_12m_ago": 0, "employers": 0,
    }  # fmt: skip
    assert rows["cakupan_bpu"].raw_value == Decimal("15.00")
    # the total is the weighted sum of the stored scores: change a stored score, the total follows
    card = city_scorecard(users["admin"], City.objects.get(code="61.72"), year=YEAR, months=12, contribution=RATE)
    assert card.total == Decimal("47.60")
    lines = {rule.code: (evidence.pk, points) for _c, _n, _w, _p, items in card.aspects for rule, evidence, points in items}
    assert lines["regulasi"] == (regulations.pk, Decimal(25))
    ScoreEvidence.objects.filter(pk=ucj.pk).update(score=80)
    card = city_scorecard(users["admin"], City.objects.get(code="61.72"), year=YEAR, months=12, contribution=RATE)
    assert card.total == Decimal("50.00")  # + 12 x 20 %
    # the page shows the evidence: the commitments behind the score, the figures and their date
    page = login(users["official"]).get(f"/cities/61.72/skor/?year={YEAR}").content.decode()
    assert 'id="score-total">50,00<' in page
    assert 'href="/cities/61.72/#komitmen-perda-6172">PERDA-6172</a>' in page
    assert "aktif 3.000 / potensi 10.000" in page
    assert "angka sementara per 2025-12-31" in page


def test_a_weight_changed_in_the_data_flips_the_ranking(users, login, make_commitment):
    """A: two regulations, no figures = 25 x 100 % = 25.00. B: no commitment, UCJ 50 % (PU 3,600/6,000 = 60 %,
    BPU 1,400/4,000 = 35 %) = 12 + 6 + 8 = 26.00. Swapping kebijakan's and kinerja's weights (25 <-> 40):
    A = 40.00, B = 26 x 25/40 = 16.25."""
    make_commitment("PERDA-A", "61.01", kind="regulation", group=None, year=2024, status="delivered")
    make_commitment("SE-A", "61.01", kind="regulation", group=None, year=2025, status="delivered")
    figures("61.02", active=(3_600, 1_400))
    scores_refresh(province_code="61", year=YEAR)

    def order():
        rows, _totals = province_ranking(users["admin"], "61", year=YEAR, rules=scoring_rules())
        return [(row.code, row.total) for row in rows[:2]]

    assert order() == [("61.02", Decimal("26.00")), ("61.01", Decimal("25.00"))]
    ScoreAspect.objects.filter(code="kebijakan").update(weight=40)
    ScoreAspect.objects.filter(code="kinerja").update(weight=25)
    assert order() == [("61.01", Decimal("40.00")), ("61.02", Decimal("16.25"))]  # no refresh needed
    page = login(users["admin"]).get("/provinces/61/peringkat/?year=2025").content.decode()
    assert page.index('id="peringkat-61.01"') < page.index('id="peringkat-61.02"')
    # an indicator's weight within its aspect is data too: only UCJ counts in kinerja -> B = 25 x 100 % = 25.00
    ScoreIndicator.objects.filter(aspect__code="kinerja").exclude(code="ucj").update(weight=0)
    assert order()[1] == ("61.02", Decimal("25.00"))


def test_what_would_move_singkawang_up_is_the_hand_calculated_allocation(kalbar, users, login):
    """Singkawang (47.60, rank 2) has nothing to gain from one more regulation or licensing rule (both at 100).
    Funding N BPU workers for 12 months at Rp16,800 costs N x 201,600; the candidates start at N = 40 (1 % of the
    potential BPU, the first band of apbd_dianggarkan):
      N =    40: dianggarkan 40 (+4.90), terealisasi 100 (+8.75)                         = +13.65 for Rp8,064,000
      N =   120: dianggarkan 70 (+8.575) + 8.75                                           = +17.325 -> 17.33
      N =   240: dianggarkan 100 (+12.25) + 8.75                                          = +21.00
      N =   600: + BPU 1,200/4,000 = 30 % -> 100 (+3.20)                                 = +24.20
      N = 1,000: + UCJ 40 % -> 80 (+2.40)                                                 = +26.60
      N = 2,000: + UCJ 50 % -> 100 (+2.40)                                                = +29.00
    Score per rupiah: 13.65 / 8,064,000 is the highest; 47.60 + 13.65 = 61.25 > 52.40: rank 1."""
    card = city_scorecard(users["official"], City.objects.get(code="61.72"), year=YEAR, months=12, contribution=RATE)
    assert (card.total, card.rank, card.ranked) == (Decimal("47.60"), 2, 14)
    found = [(a.kind, a.workers, a.cost, a.gain, a.rank_after) for a in card.actions]
    assert found[0] == ("apbd", 40, 8_064_000, Decimal("13.65"), 1)
    assert sorted(found[1:], key=lambda a: a[1]) == [
        ("apbd", 120, 24_192_000, Decimal("17.33"), 1),
        ("apbd", 240, 48_384_000, Decimal("21.00"), 1),
        ("apbd", 600, 120_960_000, Decimal("24.20"), 1),
        ("apbd", 1_000, 201_600_000, Decimal("26.60"), 1),
        ("apbd", 2_000, 403_200_000, Decimal("29.00"), 1),
    ]
    page = login(users["official"]).get(f"/cities/61.72/skor/?year={YEAR}").content.decode()
    assert (
        "Tambahan skor terbanyak per rupiah: „Alokasi APBD untuk iuran kelompok sasaran” untuk iuran 40 pekerja BPU "
        "selama 12 bulan (Rp8.064.000) menambah 13,65 poin; menaikkan peringkat di Kalimantan Barat dari 2 ke 1."
    ) in page


def test_a_missing_regulation_costs_nothing_and_comes_first(kalbar, users):
    """Pontianak without its second regulation: regulasi 70 (17.50); one more brings it to 100 at no cost (+7.50)."""
    Commitment.objects.filter(code="SE-6171").update(status="lapsed")
    scores_refresh(province_code="61", year=YEAR)
    card = city_scorecard(users["admin"], City.objects.get(code="61.71"), year=YEAR, months=12, contribution=RATE)
    assert card.total == Decimal("44.90")  # 52.40 - 7.50: now below Singkawang
    best = card.actions[0]
    assert (best.kind, best.cost, best.gain, best.rank_after) == ("regulation", 0, Decimal("7.50"), 1)


def test_scoping_of_the_scorecard_and_the_ranking(kalbar, users, login):
    official = login(users["official"])
    assert official.get(f"/cities/61.72/skor/?year={YEAR}").status_code == 200
    assert official.get(f"/cities/61.71/skor/?year={YEAR}").status_code == 404  # another city of the province
    assert official.get(f"/cities/64.71/skor/?year={YEAR}").status_code == 404
    assert official.get(f"/provinces/64/peringkat/?year={YEAR}").status_code == 404
    # officials see their province's ranking: names and totals; aspects and a link for their own city only
    page = official.get(f"/provinces/61/peringkat/?year={YEAR}").content.decode()
    assert "Kota Pontianak" in page
    assert "52,40" in page
    assert 'href="/cities/61.72/skor/?year=2025"' in page
    assert 'href="/cities/61.71/skor/' not in page
    rows, _totals = province_ranking(users["official"], "61", year=YEAR, rules=scoring_rules())
    assert {row.code: bool(row.aspects) for row in rows if row.code in ("61.71", "61.72")} == {"61.71": False, "61.72": True}
    # branch SKW (Singkawang, Sambas) sees its cities' rows only, with their ranks in the province
    rows, _totals = province_ranking(users["branch"], "61", year=YEAR, rules=scoring_rules())
    assert [(row.code, row.rank) for row in rows] == [("61.72", 2), ("61.01", 3)]
    branch_page = login(users["branch"]).get(f"/provinces/61/peringkat/?year={YEAR}").content.decode()
    assert "Kota Pontianak" not in branch_page


def test_bad_input_is_refused_with_a_message(kalbar, users, login):
    client = login(users["admin"])
    response = client.get("/cities/61.72/skor/?year=20x5")
    assert response.status_code == 400
    assert "Tahun 20x5 tidak bisa dipakai" in response.content.decode()
    assert client.get("/provinces/61/peringkat/?year=1999").status_code == 400
    before = list(ScoreEvidence.objects.order_by("pk").values_list("pk", "score"))
    with pytest.raises(ScoreRefusal, match="belum dimulai"):
        scores_refresh(province_code="61", year=2999)
    with pytest.raises(ScoreRefusal, match="tidak dikenal"):
        scores_refresh(province_code="99", year=YEAR)
    assert list(ScoreEvidence.objects.order_by("pk").values_list("pk", "score")) == before  # nothing touched
    # before any refresh of a year, the pages say so
    page = client.get("/cities/61.72/skor/?year=2024").content.decode()
    assert 'id="not-scored"' in page
