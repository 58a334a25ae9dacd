"""`make soak` fails when a figure misses its bound, and says which, beside the bound."""

import importlib
import os
from unittest import mock

import pytest

with mock.patch.dict(os.environ):  # the soak sets the benchmark's sizes in os.environ
    soak = importlib.import_module("bench.soak")

Figure = soak.Figure
WITHIN = [
    Figure("load: 5xx answers", 0, 0),
    Figure("PostgreSQL restart: seconds of errors", 3.2, 5),
    Figure("after the kills: matches lost", 0, 0),
    Figure("digests: duplicate emails", 20, 20),
]


def test_figures_within_their_bounds_pass_and_each_is_printed_beside_its_bound():
    lines, passed = soak.verdict(WITHIN)
    assert passed
    assert lines[1].split() == [
        "ok", "PostgreSQL", "restart:", "seconds", "of", "errors", "3.2", "(bound:", "at",
        "most", "5)",
    ]  # fmt: skip


@pytest.mark.parametrize(
    "missed",
    [
        Figure("load: 5xx answers", 1, 0),
        Figure("PostgreSQL restart: seconds of errors", 5.1, 5),
        Figure("after the Redis restart: matches doubled", 3, 0),
        Figure("digests: emails lost", 1, 0),
        Figure("digests: duplicate emails", 21, 20),
    ],
)
def test_one_figure_beyond_its_bound_fails_the_soak_with_a_non_zero_exit(missed, capsys):
    with pytest.raises(SystemExit) as exited:
        soak.conclude([*WITHIN, missed])
    assert exited.value.code == "soak: FAILED, a figure missed its bound"  # exit status 1
    printed = capsys.readouterr().out
    assert f"FAIL {missed.name}" in " ".join(printed.split())
    assert printed.count("FAIL") == 1


def test_a_soak_that_measured_nothing_does_not_pass():
    assert soak.verdict([]) == ([], False)


def test_the_soak_passes_with_exit_status_zero_when_all_figures_hold(capsys):
    soak.conclude(WITHIN)
    assert "every figure within its bound" in capsys.readouterr().out
