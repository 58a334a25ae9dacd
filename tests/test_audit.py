"""The dependency audit fails on a known vulnerability unless it is allowed, with a reason,
until a revisit date; and says so when no vulnerability service could be asked."""

import importlib.util
from datetime import date
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "audit", Path(__file__).resolve().parent.parent / "security" / "audit.py"
)
audit = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(audit)

REPORT = {
    "dependencies": [
        {"name": "Django", "version": "5.2.1", "vulns": [
            {"id": "PYSEC-2026-7", "aliases": ["CVE-2026-1234"], "fix_versions": ["5.2.2"]},
        ]},
        {"name": "celery", "version": "5.5.0", "vulns": []},
        {"name": "private-wheel", "skip_reason": "Dependency not found on PyPI"},
    ]
}  # fmt: skip
TODAY = date(2026, 12, 2)


def allowlist(revisit: str, id_: str = "CVE-2026-1234") -> dict:
    return audit.load_allowlist(
        f'[[ignore]]\npackage = "django"\nid = "{id_}"\n'
        f'reason = "only the MySQL backend"\nrevisit = {revisit}\n'
    )


def test_a_known_vulnerability_fails_the_audit_and_names_the_package_and_the_fix():
    found, audited, skipped = audit.findings(REPORT)
    assert (audited, skipped) == (2, 1)
    lines, passed = audit.verdict(found, {}, TODAY)
    assert not passed
    assert lines == [
        "  FAIL django 5.2.1: PYSEC-2026-7 (fixed in: 5.2.2): not in security/allowlist.toml"
    ]


def test_an_allowed_vulnerability_passes_until_its_revisit_date_by_id_or_alias():
    found, _audited, _skipped = audit.findings(REPORT)
    for allowed in (allowlist("2026-12-02"), allowlist("2027-01-31", id_="PYSEC-2026-7")):
        lines, passed = audit.verdict(found, allowed, TODAY)
        assert passed, lines
        assert "only the MySQL backend" in lines[0]


def test_an_allowance_past_its_revisit_date_fails_again():
    found, _audited, _skipped = audit.findings(REPORT)
    lines, passed = audit.verdict(found, allowlist("2026-12-01"), TODAY)
    assert not passed and "allowed until 2026-12-01, revisit it" in lines[0]


def test_an_allowance_without_a_reason_or_a_date_is_refused():
    with pytest.raises(SystemExit, match="needs package, id, reason, revisit"):
        audit.load_allowlist('[[ignore]]\npackage = "django"\nid = "X"\nrevisit = 2027-01-01\n')
    with pytest.raises(SystemExit, match="needs package, id, reason, revisit"):
        audit.load_allowlist('[[ignore]]\npackage = "a"\nid = "X"\nreason = "r"\nrevisit = "soon"')


def test_the_committed_allowlist_is_valid():
    assert isinstance(audit.load_allowlist(audit.ALLOWLIST.read_text()), dict)


def test_no_reachable_service_is_reported_and_fails_only_where_the_audit_is_required(
    monkeypatch, capsys
):
    monkeypatch.setattr(audit, "run_pip_audit", lambda service: None)
    audit.main()
    assert "NOT audited" in capsys.readouterr().out
    monkeypatch.setenv("AUDIT_REQUIRED", "1")
    with pytest.raises(SystemExit, match="NOT audited"):
        audit.main()


def test_a_service_that_answers_with_a_finding_fails_the_audit(monkeypatch, capsys):
    monkeypatch.setattr(audit, "run_pip_audit", lambda service: REPORT)
    with pytest.raises(SystemExit) as exited:
        audit.main()
    assert exited.value.code == "audit: FAILED"
    assert "2 packages of requirements.lock audited" in capsys.readouterr().out


def test_the_lock_pins_every_dependency_the_project_declares():
    import tomllib

    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in audit.LOCK.read_text().splitlines()
        if "==" in line
    }
    project = tomllib.loads((audit.ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *project["optional-dependencies"]["dev"]]
    names = {
        d.split("[")[0].split(">")[0].split("<")[0].split("=")[0].strip().lower() for d in declared
    }
    assert names - pinned == set(), "run make lock"
