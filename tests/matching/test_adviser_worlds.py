"""Ranking quality: in each hand-made world, the firm's list shows its candidates in the order a
trade adviser would give, and never those that must not be proposed."""

import pytest

from opportunities.matching import engine
from opportunities.matching.scoring import COMPONENTS
from opportunities.models import MatchingSettings
from tests.matching.adviser_worlds import WEIGHT_WORLDS, WORLDS, build, ranked_labels

pytestmark = pytest.mark.django_db


def test_there_are_at_least_twenty_worlds():
    assert len(WORLDS) >= 20


@pytest.mark.parametrize("world", list(WORLDS))
def test_the_order_a_trade_adviser_expects(world):
    _firm, _candidates, expected, never = WORLDS[world]
    me, labels = build(world)
    engine.match_companies([me.pk])
    shown = ranked_labels(me, labels)
    assert [label for label in shown if label in expected] == expected
    assert not set(shown) & set(never)


def test_every_weight_staff_edit_has_a_world():
    assert set(WEIGHT_WORLDS) == set(COMPONENTS)


@pytest.mark.parametrize("weight", COMPONENTS)
def test_raising_each_weight_changes_a_ranking(weight):
    me, labels = build(weight, WEIGHT_WORLDS)
    engine.match_companies([me.pk])
    assert ranked_labels(me, labels) == ["y", "x"]
    settings = MatchingSettings.load()
    setattr(settings, f"{weight}_weight", getattr(settings, f"{weight}_weight") * 8)
    settings.save()
    engine.match_companies([me.pk])
    assert ranked_labels(me, labels) == ["x", "y"]
