"""Import kinds `offices`, `workforce` and `minimum_wages`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config import parsing
from config.parsing import ParseError
from imports.kinds import Built, Column, Kind, choice, register
from regions.models import MinimumWage, Office, WorkforceEstimate


def city_codes(value):
    codes = (parsing.text(value) or "").replace("|", " ").replace(",", " ").split()
    return frozenset(codes)


def percent(value):
    number = parsing.decimal(value)
    if number is not None and not 0 <= number <= 100:
        raise ParseError(_("Persentase harus antara 0 dan 100."))
    return number


def non_negative(value):
    number = parsing.integer(value)
    if number is not None and number < 0:
        raise ParseError(_("Tidak boleh negatif."))
    return number


def year(value):
    number = parsing.integer(value)
    if number is not None and not 2000 <= number <= 2100:
        raise ParseError(_("Tahun tidak masuk akal: %(value)s.") % {"value": value})
    return number


class OfficeKind(Kind):
    """Few rows: written one by one through the ORM, kanwil before cabang."""

    name = "offices"
    label = gettext_lazy("Kantor")
    model = Office
    permission = "regions.add_office"
    columns = [
        Column("code", "kode", parsing.text, required=True, field="code"),
        Column("name", "nama", parsing.text, required=True, field="name"),
        Column("kind", "jenis", choice({"kanwil": "KANWIL", "cabang": "CABANG"}), required=True, field="kind"),
        Column("parent_code", "kode_kanwil", parsing.text, aliases=("kode_induk",), field="parent_code"),
        Column("city_codes", "kode_kota", city_codes, aliases=("kab_kota_dilayani",), field="cities"),
    ]
    key_columns = ("code",)
    fields = ("code", "name", "kind", "parent_code", "cities")

    def prepare(self, rows, context):
        kanwils = set(Office.objects.filter(kind=Office.Kind.KANWIL).values_list("code", flat=True))
        return kanwils | {r["code"] for r in rows if r["kind"] == "KANWIL"}

    def build(self, v, kanwils, context):
        errors = []
        if v["kind"] == "CABANG":
            if not v["parent_code"]:
                errors.append(("parent_code", _("Kantor cabang wajib punya kode kanwil.")))
            elif v["parent_code"] not in kanwils:
                errors.append(("parent_code", _("Kanwil %(code)s tidak dikenal.") % {"code": v["parent_code"]}))
        elif v["parent_code"] or v["city_codes"]:
            errors.append(("parent_code", _("Kanwil tidak punya induk atau kab/kota sendiri; isi untuk cabang saja.")))
        for code in sorted(v["city_codes"] or ()):
            self.check_city(code, context, errors, column="city_codes")
        parent = v["parent_code"] if v["kind"] == "CABANG" else None
        record = (v["code"], v["name"], v["kind"], parent, v["city_codes"] or frozenset())
        return Built(key=(v["code"],), record=record, errors=errors)

    def existing(self, keys, lookups):
        offices = Office.objects.filter(code__in=[k[0] for k in keys]).select_related("parent").prefetch_related("cities")
        return {
            (o.code,): (o.code, o.name, o.kind, o.parent.code if o.parent else None, frozenset(c.code for c in o.cities.all()))
            for o in offices
        }

    def write(self, records, context, *, new=False):
        for code, name, kind, parent_code, cities in sorted(records, key=lambda r: r[2] != "KANWIL"):
            parent = Office.objects.get(code=parent_code) if parent_code else None
            office, _created = Office.objects.update_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent})
            office.cities.set(cities)


class WorkforceKind(Kind):
    name = "workforce"
    label = gettext_lazy("Estimasi potensi tenaga kerja")
    model = WorkforceEstimate
    permission = "regions.add_workforceestimate"
    columns = [
        Column("city_code", "kode_kota", parsing.text, required=True, aliases=("kode_kab_kota",), field="city_id"),
        Column("year", "tahun", year, required=True, field="year"),
        Column("potential_pu", "potensi_pu", non_negative, required=True, field="potential_pu"),
        Column("potential_bpu", "potensi_bpu", non_negative, required=True, field="potential_bpu"),
        Column("target_percent", "target_persen", percent, aliases=("target",), field="target_percent"),
        Column("source", "sumber", parsing.text, field="source"),
    ]
    key_columns = ("city_code", "year")
    key_fields = ("city_id", "year")
    fields = ("city_id", "year", "potential_pu", "potential_bpu", "target_percent", "source")

    def build(self, v, lookups, context):
        errors = []
        city_id = self.check_city(v["city_code"], context, errors)
        record = (city_id, v["year"], v["potential_pu"], v["potential_bpu"], v["target_percent"], v["source"] or "")
        return Built(key=(city_id, v["year"]), record=record, errors=errors)


class MinimumWageKind(Kind):
    """A province code is a UMP, a regency/city code a UMK. Few rows: written through the ORM."""

    name = "minimum_wages"
    label = gettext_lazy("Upah minimum")
    model = MinimumWage
    permission = "regions.add_minimumwage"
    columns = [
        Column("region_code", "kode_wilayah", parsing.text, required=True),
        Column("year", "tahun", year, required=True),
        Column("amount", "jumlah", parsing.decimal, required=True, aliases=("upah_minimum", "nilai")),
    ]
    key_columns = ("region_code", "year")

    def build(self, v, lookups, context):
        errors = []
        code = v["region_code"]
        if "." in code:
            self.check_city(code, context, errors, column="region_code")
        elif code not in {c[:2] for c in context.city_codes}:
            errors.append(("region_code", _("Kode provinsi %(code)s tidak dikenal.") % {"code": code}))
        if v["amount"] is not None and v["amount"] <= 0:
            errors.append(("amount", _("Upah minimum harus lebih dari 0.")))
        return Built(key=(code, v["year"]), record=(code, v["year"], v["amount"]), errors=errors)

    def existing(self, keys, lookups):
        wages = MinimumWage.objects.filter(year__in={k[1] for k in keys})
        current = {(w.region_code, w.year): (w.region_code, w.year, w.amount) for w in wages}
        return {k: current[k] for k in keys if k in current}

    def write(self, records, context, *, new=False):
        for code, year_, amount in records:
            region = {"city_id": code} if "." in code else {"province_id": code}
            MinimumWage.objects.update_or_create(**region, year=year_, defaults={"amount": amount})


register(OfficeKind())
register(WorkforceKind())
register(MinimumWageKind())
