"""Publishing in tests: a draft is approved by a second office user (four eyes) first."""

from __future__ import annotations

import itertools
from typing import Any

from tests.factories import make_user
from xuncha.core.models import Role
from xuncha.reports.models import Publication
from xuncha.reports.services import publication_approve, publication_publish

_approvers = itertools.count(1)


def approved(publication: Publication, approver: Any = None) -> Publication:
    """The draft approved by ``approver``, or by a new office user made for it."""
    approver = approver or make_user(f"approver{next(_approvers)}", Role.OFFICE)
    return publication_approve(actor=approver, publication=publication)


def published(publication: Publication, actor: Any, approver: Any = None) -> Publication:
    """The draft approved (see :func:`approved`) and published by ``actor``."""
    return publication_publish(actor=actor, publication=approved(publication, approver))
