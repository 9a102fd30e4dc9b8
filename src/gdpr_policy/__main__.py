"""``python -m gdpr_policy``: the same as the ``gdpr-policy`` command."""

from .cli import run

run()
