"""E-mail goes out from the background worker: a slow or unreachable mail server never holds up a page or a
transition. The in-app notification is written at once; its e-mail follows."""

import logging

from django.core.mail import send_mail
from django_tasks import task

log = logging.getLogger("ntm.mail")

__all__ = ["send_email"]


@task()
def send_email(subject: str, body: str, recipients: list[str]) -> int:
    """Send one message to these addresses (plain text). A failure is logged and recorded on the task."""
    try:
        return send_mail(subject, body, None, recipients)
    except OSError:
        log.exception("Could not send the e-mail %r to %s", subject, ", ".join(recipients))
        raise
