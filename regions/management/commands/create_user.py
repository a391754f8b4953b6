"""python manage.py create_user USERNAME --role ROLE --scope CODE [--password PW]"""

import secrets

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from regions.models import Access
from regions.services import user_create


class Command(BaseCommand):
    help = "Membuat akun Jangkau dengan peran dan cakupan wilayah / Creates a Jangkau account with a role and scope."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Access.Role.values)
        parser.add_argument("--scope", help="kode kanwil (regional), kode cabang (branch), kode kabupaten/kota (official)")
        parser.add_argument("--password", help="tanpa ini, kata sandi acak dibuat dan dicetak")

    def handle(self, *args, **options):
        password = options["password"] or secrets.token_urlsafe(12)
        try:
            user, _created = user_create(
                username=options["username"], role=options["role"], scope_code=options["scope"], password=password
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(f"user={user.username} role={options['role']} scope={options['scope'] or '-'}")
        if not options["password"]:
            self.stdout.write(f"password={password}")
