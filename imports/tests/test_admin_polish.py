"""What a new user needs to get a file right: the allowed values of each column, a template file per kind,
example rows of the preview (new, changed with before -> after, rejected with the reason), figures in the
Indonesian way in the job list."""

import csv
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from imports.kinds import registry
from imports.models import ImportJob
from imports.pipeline import MAX_EXAMPLES
from participants.models import Worker
from participants.tests.factories import WorkerFactory

pytestmark = pytest.mark.django_db

UPLOAD = "/admin/imports/importjob/upload/"


def template(client, kind, extension="csv"):
    return client.get(f"/admin/imports/importjob/template/{kind}.{extension}")


@pytest.mark.parametrize("kind", sorted(registry))
def test_each_kind_has_a_csv_template_with_its_columns_and_a_valid_example_row(users, login, kind):
    response = template(login(users["admin"]), kind)
    assert response.status_code == 200
    assert f'filename="templat-{kind}.csv"' in response["Content-Disposition"]
    header, example = list(csv.reader(io.StringIO(response.content.decode())))
    columns = registry[kind].columns
    assert header == [column.name for column in columns]  # English names, every column, required ones included
    for column, cell in zip(columns, example, strict=True):
        value = column.parse(cell)  # raises on a value the pipeline would reject
        assert value is not None or not column.required, column.name


def test_xlsx_template_keeps_codes_as_text(users, login):
    response = template(login(users["branch"]), "workers", "xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == [column.name for column in registry["workers"].columns]
    nik = rows[0].index("nik") + 1
    assert rows[1][nik - 1] == "6172015508950001"
    assert sheet.cell(row=2, column=nik).number_format == "@"


def test_templates_follow_the_import_permission(users, login):
    client = login(users["branch"])
    assert template(client, "workers").status_code == 200
    assert template(client, "offices").status_code == 403  # branch staff do not import offices
    assert template(client, "nothing").status_code == 404
    assert template(client, "workers", "exe").status_code == 404


def test_upload_page_lists_allowed_values_and_template_links(users, login):
    page = login(users["branch"]).get(UPLOAD).content.decode()
    segment = re.search(r"<td><code>segment</code></td>.*?</tr>", page, re.S).group(0)
    assert re.findall(r"<code>([^<]+)</code>", segment)[2:] == ["PU", "BPU", "JAKON", "PMI"]
    sex = re.search(r"<td><code>sex</code></td>.*?</tr>", page, re.S).group(0)
    assert "<code>L</code>" in sex
    assert "<code>PEREMPUAN</code>" in sex
    bank = re.search(r"<td><code>bank</code></td>.*?</tr>", page, re.S).group(0)
    assert all(f"<code>{code}</code>" in bank for code in ("BRI", "BNI", "MANDIRI", "BTN", "BSI"))
    assert "/admin/imports/importjob/template/workers.csv" in page
    assert "/admin/imports/importjob/template/workers.xlsx" in page
    assert "/admin/imports/importjob/template/offices.csv" not in page  # only the kinds the user may import


@pytest.fixture
def stored(employer):
    return WorkerFactory(nik="6172015508950001", name="Siti Aminah", employer=employer, wage=3_000_000)


def upload(client, text, kind="workers"):
    response = client.post(UPLOAD, {"kind": kind, "file": SimpleUploadedFile("pekerja.csv", text.encode())})
    assert response.status_code == 302
    return ImportJob.objects.get(pk=int(re.search(r"/(\d+)/$", response.url).group(1))), response.url


def test_preview_shows_examples_of_new_changed_and_rejected_rows(users, login, stored, employer):
    client = login(users["branch"])
    text = (
        "nik,name,segment,city_code,member_since,npp,wage\n"
        f"6172015508950001,Siti Aminah,PU,61.72,2024-01-01,{employer.npp},3.500.000\n"
        "6172015508950002,Rina Baru,BPU,61.72,2024-02-01,,\n"
        "6.17202E+15,Rusak,BPU,61.72,2024-02-01,,\n"
    )
    job, url = upload(client, text)
    assert job.status == ImportJob.Status.VALIDATED
    assert Worker.objects.get(nik="6172015508950001").wage == 3_000_000  # a preview writes nothing
    page = client.get(url).content.decode()
    section = page.split('id="preview-examples"')[1].split("</section>")[0]
    created = section.split('id="examples-created"')[1].split("</table>")[0]
    assert "Rina Baru" in created
    assert ">3<" in created
    updated = section.split('id="examples-updated"')[1].split("</table>")[0]
    assert "<code>wage</code>" in updated
    assert re.search(r'class="before">3000000</td><td>→</td><td class="after">3500000<', updated)
    assert "6172015508950001" in updated
    assert "<code>name</code>" not in updated  # only what changes
    rejected = section.split('id="examples-rejected"')[1].split("</table>")[0]
    assert "notasi ilmiah" in rejected
    assert "Rusak" in rejected


def test_changed_employer_is_shown_by_its_npp(users, login, stored, employer):
    from participants.tests.factories import EmployerFactory

    other = EmployerFactory(npp="BB000001", city_code="61.72")
    client = login(users["branch"])
    _job, url = upload(
        client, f"nik,name,segment,city_code,member_since,npp\n6172015508950001,Siti Aminah,PU,61.72,2024-01-01,{other.npp}\n"
    )
    updated = client.get(url).content.decode().split('id="examples-updated"')[1].split("</table>")[0]
    assert "<code>npp</code>" in updated
    assert re.search(rf'class="before">{employer.npp}</td><td>→</td><td class="after">{other.npp}<', updated)


def test_examples_keep_the_first_rows_of_each_class_only(users, login, reference_regions):
    client = login(users["branch"])
    lines = [f"61720155089500{i:02d},Pekerja {i},BPU,61.72,2024-01-01" for i in range(1, 9)]
    lines += [f"12345{i},Rusak {i},BPU,61.72,2024-01-01" for i in range(7)]
    job, _url = upload(client, "nik,name,segment,city_code,member_since\n" + "\n".join(lines) + "\n")
    assert [e["row"] for e in job.examples["created"]] == list(range(2, 2 + MAX_EXAMPLES))
    assert len(job.examples["rejected"]) == MAX_EXAMPLES
    assert job.examples["updated"] == []
    client.post(f"/admin/imports/importjob/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert len(job.examples["created"]) == MAX_EXAMPLES  # the apply keeps the preview's examples


def test_bank_account_changes_are_masked_for_whoever_may_not_see_numbers(users, login, stored):
    from subsidies.models import BankAccount

    BankAccount.objects.create(worker=stored, bank="BRI", account_number="111122223333")
    text = "nik,bank,account_number\n6172015508950001,BRI,444455556666\n"
    _job, url = upload(login(users["branch"]), text, kind="bank_accounts")
    updated = login(users["admin"]).get(url).content.decode().split('id="examples-updated"')[1].split("</table>")[0]
    assert "3333" in updated
    assert "6666" in updated
    assert "111122223333" not in updated
    assert "444455556666" not in updated
    page = login(users["branch"])
    updated = page.get(url).content.decode().split('id="examples-updated"')[1].split("</table>")[0]
    assert "111122223333" in updated  # branch staff see account numbers everywhere


def test_job_list_shows_counts_the_indonesian_way(users, login, reference_regions):
    client = login(users["branch"])
    job, _url = upload(client, "nik,name,segment,city_code,member_since\n6172015508950002,Rina,BPU,61.72,2024-02-01\n")
    ImportJob.objects.filter(pk=job.pk).update(rows=1_234_567, created=1_000_000, unchanged=234_567)
    page = client.get("/admin/imports/importjob/").content.decode()
    assert re.search(r'class="field-rows_display[^"]*">1\.234\.567<', page)
    assert re.search(r'class="field-created_display[^"]*">1\.000\.000<', page)
    assert re.search(r'class="field-unchanged_display[^"]*">234\.567<', page)


def test_changed_lists_are_shown_as_codes(users, login):
    """An office's cities (a set in the database) before -> after."""
    client = login(users["admin"])
    _job, url = upload(client, "code,name,kind,parent_code,city_codes\nSKW,Cabang Singkawang,cabang,K1,61.72\n", kind="offices")
    updated = client.get(url).content.decode().split('id="examples-updated"')[1].split("</table>")[0]
    assert "<code>city_codes</code>" in updated
    assert re.search(r'class="before">61\.01 61\.72</td><td>→</td><td class="after">61\.72<', updated)
