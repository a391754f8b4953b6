"""Upload -> check -> preview -> confirm -> result, through the admin, and who may see which job."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports.models import ImportJob
from participants.models import Worker

pytestmark = pytest.mark.django_db

CSV = (
    "nik;nama;segmen;kode_kota;peserta_sejak\n"
    "6172015508950001;Siti;BPU;61.72;15/08/2020\n"
    "6171011203900002;Luar Cakupan;BPU;61.71;01/02/2021\n"
    "6.17202E+15;Rusak;BPU;61.72;01/02/2021\n"
)


def upload(client, text=CSV, kind="workers", **extra):
    return client.post(
        "/admin/imports/importjob/upload/",
        {"kind": kind, "file": SimpleUploadedFile("pekerja.csv", text.encode()), **extra},
    )


def test_branch_user_uploads_previews_confirms_and_downloads_rejected_rows(users, login):
    client = login(users["branch"])
    page = client.get("/admin/participants/worker/").content.decode()
    assert "/admin/imports/importjob/upload/?kind=workers" in page

    form = client.get("/admin/imports/importjob/upload/?kind=workers").content.decode()
    assert "peserta_sejak" in form  # Indonesian header names are listed
    assert "member_since" in form

    response = upload(client)
    job = ImportJob.objects.get()
    assert response.url == f"/admin/imports/importjob/{job.pk}/"
    assert job.status == ImportJob.Status.VALIDATED
    assert not Worker.objects.exists()  # a preview changes nothing
    preview = client.get(response.url).content.decode()
    assert "di luar cakupan wilayah Anda" in preview
    assert "notasi ilmiah" in preview
    assert "Ini pratinjau" in preview

    client.post(f"/admin/imports/importjob/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.counts_line() == "rows=3 created=1 updated=0 unchanged=0 rejected=2"
    assert list(Worker.objects.values_list("nik", flat=True)) == ["6172015508950001"]

    result = client.get(f"/admin/imports/importjob/{job.pk}/").content.decode()
    assert job.sha256 in result
    assert "pekerja.csv" in result
    download = client.get(f"/admin/imports/importjob/{job.pk}/rejected.csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(download.streaming_content).decode())))
    assert [row["row"] for row in rows] == ["3", "4"]
    assert rows[0]["nama"] == "Luar Cakupan"

    progress = client.get(f"/admin/imports/importjob/{job.pk}/progress/").json()
    assert progress["status"] == "DONE"
    assert progress["rejected"] == 2


def test_same_file_again_gets_a_warning(users, login):
    client = login(users["branch"])
    upload(client)
    first = ImportJob.objects.get()
    client.post(f"/admin/imports/importjob/{first.pk}/confirm/")
    upload(client)
    second = ImportJob.objects.exclude(pk=first.pk).get()
    page = client.get(f"/admin/imports/importjob/{second.pk}/").content.decode()
    assert "sudah pernah diterapkan" in page


def test_jobs_are_private_to_their_uploader(users, login):
    upload(login(users["branch"]))
    job = ImportJob.objects.get()
    other = login(users["other_branch"])
    assert other.get(f"/admin/imports/importjob/{job.pk}/").status_code == 404
    assert other.get(f"/admin/imports/importjob/{job.pk}/rejected.csv").status_code == 404
    assert other.post(f"/admin/imports/importjob/{job.pk}/confirm/").status_code == 404
    assert login(users["admin"]).get(f"/admin/imports/importjob/{job.pk}/").status_code == 200


def test_branch_user_cannot_import_offices_and_officials_cannot_import(users, login):
    client = login(users["branch"])
    response = upload(client, "code,name,kind\nX,Y,kanwil\n", kind="offices")
    assert response.status_code == 200
    assert "Pilih pilihan yang valid" in response.content.decode() or "Masukkan pilihan yang valid" in response.content.decode()
    assert not ImportJob.objects.exists()
    assert login(users["official"]).get("/admin/imports/importjob/upload/").status_code == 302


def test_wrong_file_type_is_refused(users, login):
    client = login(users["branch"])
    response = client.post(
        "/admin/imports/importjob/upload/", {"kind": "workers", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4")}
    )
    assert "Hanya berkas .csv atau .xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_all_or_nothing_upload_is_refused_whole(users, login):
    client = login(users["branch"])
    upload(client, all_or_nothing="on")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.REFUSED
    assert "tidak ada data yang diubah" in job.message
    assert not Worker.objects.exists()
