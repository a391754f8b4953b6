import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from regions.models import Access

pytestmark = pytest.mark.django_db


def test_create_user_for_each_role(offices, capsys):
    call_command("create_user", "cab", "--role", "branch", "--scope", "SKW", "--password", "Rahasia-123!")
    call_command("create_user", "kota", "--role", "official", "--scope", "61.72")
    out = capsys.readouterr().out
    assert "user=cab role=branch scope=SKW" in out
    assert "password=" in out  # generated for "kota" and printed once
    cab = Access.objects.get(user__username="cab")
    assert cab.office.code == "SKW"
    assert cab.user.is_staff
    assert cab.user.check_password("Rahasia-123!")
    assert list(cab.user.groups.values_list("name", flat=True)) == ["branch"]
    kota = Access.objects.get(user__username="kota")
    assert kota.city_id == "61.72"
    assert not kota.user.is_staff


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "branch", "--scope", "K1"], "Kantor Cabang dengan kode K1 tidak ada"),
        (["--role", "regional", "--scope", "SKW"], "Kantor Wilayah dengan kode SKW tidak ada"),
        (["--role", "official", "--scope", "99.99"], "kode 99.99 tidak ada"),
        (["--role", "official"], "wajib punya cakupan"),
        (["--role", "admin", "--scope", "K1"], "tidak memakai cakupan"),
    ],
)
def test_create_user_refuses_a_wrong_scope(offices, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_user", "x", *args)
    assert not Access.objects.exists()


def test_create_user_refuses_an_existing_username(offices):
    call_command("create_user", "dup", "--role", "admin", "--password", "Rahasia-123!")
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("create_user", "dup", "--role", "admin")


def test_production_settings_pass_the_deploy_check():
    env = {
        **os.environ,
        "DJANGO_DEBUG": "false",
        "DJANGO_SECRET_KEY": "a-production-secret-key-that-is-long-and-random-enough-1234567890",
        "DJANGO_ALLOWED_HOSTS": "jangkau.example.id",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": ""}
    result = subprocess.run([sys.executable, "manage.py", "check"], env=env, capture_output=True, text=True, check=False)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr
