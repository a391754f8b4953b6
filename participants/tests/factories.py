"""factory-boy factories for employers and workers with valid NIKs."""

import datetime as dt

import factory

from participants.models import Employer, Segment, Worker
from regions.models import City


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    class Params:
        city_code = "61.72"

    npp = factory.Sequence(lambda n: f"AA{n:06d}")
    name = factory.Sequence(lambda n: f"PT Contoh {n}")
    city = factory.LazyAttribute(lambda o: City.objects.get(code=o.city_code))


def _nik(worker, n):
    return f"{worker.city.code.replace('.', '')}01{15 + n % 10:02d}0895{1 + n % 9999:04d}"


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    class Params:
        city_code = "61.72"

    city = factory.LazyAttribute(lambda o: City.objects.get(code=o.city_code))
    nik = factory.LazyAttributeSequence(_nik)
    name = factory.Sequence(lambda n: f"Pekerja {n}")
    segment = Segment.PU
    employer = factory.LazyAttribute(lambda w: EmployerFactory(city=w.city) if w.segment == Segment.PU else None)
    wage = 3_000_000
    member_since = dt.date(2024, 1, 1)
