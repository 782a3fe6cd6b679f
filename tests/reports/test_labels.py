from __future__ import annotations

import pytest

from tests.factories import make_round
from xuncha.followups.models import FollowUp
from xuncha.reports.selectors import followup_label

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("round_name", "followup_name", "label"),
    [
        ("第八轮", "巡察整改回访督查", "第八轮巡察整改回访督查"),
        ("第八轮", "回访督查", "第八轮巡察回访督查"),
        ("十三届市委第八轮巡察", "十三届市委第八轮巡察回访督查", "十三届市委第八轮巡察回访督查"),
    ],
)
def test_a_follow_up_is_named_with_its_round_without_saying_xuncha_twice(
    round_name, followup_name, label
):
    followup = FollowUp(round=make_round(round_name), name=followup_name)
    assert followup_label(followup) == label
