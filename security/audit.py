"""`make audit` (part of `make test`): pip-audit over requirements.lock, failing on any known
vulnerability that security/allowlist.toml does not list with a reason and a revisit date still
to come.

pip-audit asks a vulnerability service about every pinned version: OSV (api.osv.dev) first, then
PyPI's JSON API. When neither answers for any package (a machine that reaches only a package
mirror: OSV does not resolve and the mirror has no per-version JSON), nothing was audited: the
script says so loudly and exits 0, unless AUDIT_REQUIRED=1 (set it where the services are
reachable, so that an outage cannot pass for a clean audit there).
"""

import json
import os
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
ALLOWLIST = Path(__file__).resolve().parent / "allowlist.toml"
SERVICES = ("osv", "pypi")


@dataclass(frozen=True)
class Finding:
    package: str
    version: str
    id: str
    aliases: tuple[str, ...] = ()
    fix_versions: tuple[str, ...] = ()


def findings(report: dict) -> tuple[list[Finding], int, int]:
    """The vulnerabilities in a pip-audit JSON report, the packages audited and skipped."""
    found, audited, skipped = [], 0, 0
    for dependency in report.get("dependencies", []):
        if "skip_reason" in dependency:
            skipped += 1
            continue
        audited += 1
        for vuln in dependency.get("vulns", []):
            found.append(
                Finding(
                    package=dependency["name"].lower(),
                    version=dependency["version"],
                    id=vuln["id"],
                    aliases=tuple(vuln.get("aliases", [])),
                    fix_versions=tuple(vuln.get("fix_versions", [])),
                )
            )
    return found, audited, skipped


def load_allowlist(text: str) -> dict[tuple[str, str], dict]:
    """(package, vulnerability id) -> entry; every entry needs a reason and a revisit date."""
    entries = {}
    for entry in tomllib.loads(text).get("ignore", []):
        missing = [key for key in ("package", "id", "reason", "revisit") if not entry.get(key)]
        if missing or not isinstance(entry["revisit"], date):
            raise SystemExit(f"audit: allowlist entry {entry} needs package, id, reason, revisit")
        entries[(entry["package"].lower(), entry["id"])] = entry
    return entries


def verdict(found: list[Finding], allowed: dict, today: date) -> tuple[list[str], bool]:
    """Report lines and whether the audit passes: every finding allowed, none past revisit."""
    lines, passed = [], True
    for finding in found:
        names = (finding.id, *finding.aliases)
        entry = next(
            (allowed[(finding.package, n)] for n in names if (finding.package, n) in allowed), None
        )
        fix = ", ".join(finding.fix_versions) or "no fix yet"
        what = f"{finding.package} {finding.version}: {finding.id} (fixed in: {fix})"
        if entry is None:
            lines.append(f"  FAIL {what}: not in security/allowlist.toml")
            passed = False
        elif entry["revisit"] < today:
            lines.append(f"  FAIL {what}: allowed until {entry['revisit']}, revisit it")
            passed = False
        else:
            lines.append(f"  allowed {what}: {entry['reason']} (revisit {entry['revisit']})")
    return lines, passed


def run_pip_audit(service: str) -> dict | None:
    """pip-audit's JSON report from one service, or None when the service did not answer."""
    command = [
        sys.executable, "-m", "pip_audit", "-r", str(LOCK), "--no-deps", "--disable-pip",
        "--format", "json", "--progress-spinner", "off", "--vulnerability-service", service,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    try:
        return json.loads(result.stdout)
    except json.JSONDecodeError:
        last = (result.stderr.strip().splitlines() or [""])[-1][-160:]
        print(f"audit: {service} did not answer: {last}")
        return None


def main() -> None:
    allowed = load_allowlist(ALLOWLIST.read_text())
    for service in SERVICES:
        report = run_pip_audit(service)
        if report is None:
            continue
        found, audited, skipped = findings(report)
        if not audited:
            print(f"audit: {service} knew none of the {skipped} pinned versions (unreachable)")
            continue
        lines, passed = verdict(found, allowed, date.today())
        print(
            f"audit ({service}): {audited} packages of requirements.lock audited, {skipped} "
            f"skipped, {len(found)} known vulnerabilities",
            *lines,
            sep="\n",
        )
        sys.exit(0 if passed else "audit: FAILED")
    message = (
        "audit: WARNING: no vulnerability service reachable; the dependencies were NOT audited"
    )
    if os.environ.get("AUDIT_REQUIRED") == "1":
        sys.exit(message)
    print(message)


if __name__ == "__main__":
    main()
