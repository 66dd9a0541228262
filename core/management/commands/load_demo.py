"""Load the Thái Nguyên end-of-2023 demo. Each app contributes `<app>/demo.py` with `load(stdout)`; running the
command again finds what is there and creates nothing twice."""

import importlib
from importlib.util import find_spec

from django.core.management.base import BaseCommand
from django.db import transaction

# Order matters: units, then offices and users, then the data that names them.
DEMO_APPS = ["communes", "offices", "criteria", "programs", "funding", "verification", "monitoring"]


class Command(BaseCommand):
    help = "Load the Thái Nguyên demo (idempotent) and print the demo logins."

    def handle(self, *args, **options):
        for app in DEMO_APPS:
            if not find_spec(f"{app}.demo"):
                continue
            module = importlib.import_module(f"{app}.demo")
            with transaction.atomic():
                module.load(stdout=self.stdout)
        from offices.demo import print_logins

        print_logins(self.stdout)
