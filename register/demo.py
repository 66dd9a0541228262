"""The register's demo steps: the recognitions the merger rule carries across the 2024 and 2025 reorganisations
(proposed, then confirmed by the province's People's Committee as an office would, one decision per
reorganisation), and last the stored standings, from everything the other loaders wrote (some in bulk, which sends
no signals)."""

import datetime

from django.contrib.auth import get_user_model
from django.utils.translation import gettext

from communes.models import Province

from . import selectors, services
from .standings import standings_rebuild

PROVINCE_CODE = "19"
# One decision per reorganisation (numbers generated, "(demo)"): dated a few weeks after the units came into being.
DECISIONS = {
    datetime.date(2024, 12, 1): ("3120/QĐ-UBND (demo)", datetime.date(2024, 12, 27)),
    datetime.date(2025, 7, 1): ("1486/QĐ-UBND (demo)", datetime.date(2025, 8, 15)),
}
SIGNER = "Chủ tịch UBND tỉnh"


def load_mergers(*, stdout) -> None:
    province = Province.objects.current().filter(code=PROVINCE_CODE).first()
    approver = get_user_model().objects.filter(username="approver").first()
    if province is None or approver is None:
        stdout.write(gettext("Register demo: no province 19 or no approver; no recognition by merger."))
        return
    confirmed = 0
    for day, (number, decided) in sorted(DECISIONS.items()):
        # Each step after the one before: a 2025 commune formed from a 2024 one reads the 2024 decision.
        proposed = [
            p.key
            for p in selectors.merger_proposals(user=None, province_ids=[province.pk], effective_date=day)
            if p.status == selectors.MergerStatus.PROPOSED
        ]
        if proposed:
            confirmed += len(
                services.merger_recognitions_confirm(
                    actor=approver, keys=proposed, decision_number=number, decision_date=decided, signer=SIGNER
                ).created
            )
    stdout.write(gettext("Register demo: {count} recognitions by merger confirmed.").format(count=confirmed))


def load(stdout) -> None:
    rows = standings_rebuild()
    stdout.write(gettext("Standings: {rows} commune-years.").format(rows=rows))
