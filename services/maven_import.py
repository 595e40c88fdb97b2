"""The Maven Analytics CRM sample (datasets/maven-crm) mapped onto OneVoice.

The four CSV files are turned into a bundle (territories, users, accounts, opportunities) and
imported through the bundle importer, so validation, atomicity and idempotency are the same.
Columns the sample does not have are left alone on re-import (a password an admin set since,
an account's territory), and users created here have no password until one is set.

Mapping (issue 6): regional office → territory; agent → rep, manager → manager (username =
name lower-cased, spaces → '.'); accounts' segment from employees; pipeline row → opportunity
(code = opportunity_id, stage lower-cased, owner = agent, territory = agent's office, product
matched ignoring case and white space, amount = close_value when won/lost, else list price).
"""
from __future__ import annotations

import csv
import difflib
import re
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from models.enums import OPEN_STAGES, Role, Segment, Stage
from models.types import to_money
from services.bundle import BundleInvalid, import_bundle
from services.errors import ValidationFailed

FILES = {
    "sales_teams.csv": ("sales_agent", "manager", "regional_office"),
    "accounts.csv": ("account", "sector", "employees"),
    "products.csv": ("product", "sales_price"),
    "sales_pipeline.csv": ("opportunity_id", "sales_agent", "product", "account", "deal_stage",
                           "engage_date", "close_date", "close_value"),
}
# Sector names a CRM export is expected to use; a value close to one but not equal is reported.
KNOWN_SECTORS = ("technology", "medical", "retail", "software", "finance", "marketing", "entertainment",
                 "telecommunications", "employment", "services", "manufacturing", "education", "energy",
                 "healthcare", "government", "insurance", "logistics", "media", "real estate", "hospitality")
# Bundle file:column → sample file:column, so a problem names the line the person can open.
_BUNDLE_TO_SOURCE = {
    "opportunities.csv": ("sales_pipeline.csv", {"code": "opportunity_id", "owner": "sales_agent",
                                                 "stage": "deal_stage", "opened_on": "engage_date",
                                                 "closed_on": "close_date", "amount": "close_value"}),
    "accounts.csv": ("accounts.csv", {"name": "account"}),
    "users.csv": ("sales_teams.csv", {"username": "sales_agent", "territory": "regional_office"}),
}


class MavenDataInvalid(ValidationFailed):
    """The sample cannot be mapped; ``problems`` says where (file:line: column: what)."""


@dataclass
class MavenReport:
    read: dict[str, int] = field(default_factory=dict)          # sample file → rows read
    imported: dict[str, dict[str, int]] = field(default_factory=dict)   # sample file → {kind: rows}
    warnings: list[tuple[str, int]] = field(default_factory=list)        # (what, how many rows)

    def lines(self) -> list[str]:
        out = []
        for name, count in self.read.items():
            made = ", ".join(f"{n} {kind}" for kind, n in self.imported.get(name, {}).items())
            out.append(f"{name}: {count} rows read" + (f", imported as {made}" if made else ""))
        out.append(f"{len(self.warnings)} warnings" + (":" if self.warnings else ""))
        out.extend(f"  warning: {what} ({count} rows)" for what, count in self.warnings)
        return out


def username_for(name: str) -> str:
    return re.sub(r"\s+", ".", name.strip().lower())


def segment_for(employees: int) -> Segment:
    if employees >= 5000:
        return Segment.enterprise
    if employees >= 1000:
        return Segment.mid_market
    return Segment.smb


def _product_key(name: str) -> str:
    return re.sub(r"\s+", "", name).lower()


def _read(directory: Path, name: str, problems: list[str]) -> list[tuple[int, dict]]:
    path = directory / name
    if not path.is_file():
        problems.append(f"{name}: file: missing from {directory}")
        return []
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in FILES[name] if c not in (reader.fieldnames or [])]
        for column in missing:
            problems.append(f"{name}:1: {column}: required column missing")
        if missing:
            return []
        rows = []
        previous = 1
        for row in reader:
            rows.append((previous + 1, {k: (v or "").strip() for k, v in row.items() if k}))
            previous = reader.line_num
        return rows


class _Mapper:
    def __init__(self, directory: Path):
        self.directory = directory
        self.problems: list[str] = []
        self.warnings: Counter = Counter()
        self.report = MavenReport()

    def run(self) -> dict[str, list[dict]]:
        data = {name: _read(self.directory, name, self.problems) for name in FILES}
        if self.problems:
            raise MavenDataInvalid(self.problems)
        self.report.read = {name: len(rows) for name, rows in data.items()}
        territories, users, offices = self._teams(data["sales_teams.csv"])
        accounts = self._accounts(data["accounts.csv"])
        products = self._products(data["products.csv"])
        opportunities = self._pipeline(data["sales_pipeline.csv"], offices, accounts, products)
        if self.problems:
            raise MavenDataInvalid(self.problems)
        self.report.warnings = [(what, n) for what, n in self.warnings.items()]
        return {"territories.csv": territories, "users.csv": users,
                "accounts.csv": list(accounts.values()), "opportunities.csv": opportunities}

    def _teams(self, rows):
        agents, managers = [], {}
        offices: dict[str, str] = {}               # agent name → office
        manager_offices: dict[str, Counter] = {}
        for line, row in rows:
            agent, manager, office = row["sales_agent"], row["manager"], row["regional_office"]
            for column in ("sales_agent", "regional_office"):
                if not row[column]:
                    self.problems.append(f"sales_teams.csv:{line}: {column}: required value missing")
            if not agent or not office:
                continue
            if agent in offices:
                self.problems.append(f"sales_teams.csv:{line}: sales_agent: {agent!r} listed twice")
                continue
            offices[agent] = office
            agents.append({"username": username_for(agent), "display_name": agent, "role": Role.rep.value,
                           "territory": office, "manager": username_for(manager) if manager else ""})
            if manager:
                manager_offices.setdefault(manager, Counter())[office] += 1
        for manager, counts in manager_offices.items():
            if len(counts) > 1:
                self.warnings[f"sales_teams.csv: manager {manager!r} has agents in several offices; "
                              f"placed in {counts.most_common(1)[0][0]}"] += 1
            managers[manager] = {"username": username_for(manager), "display_name": manager,
                                 "role": Role.manager.value, "territory": counts.most_common(1)[0][0],
                                 "manager": ""}
        territories = [{"code": o, "name": o} for o in dict.fromkeys(offices.values())]
        self.report.imported["sales_teams.csv"] = {"territories": len(territories), "reps": len(agents),
                                                   "managers": len(managers)}
        return territories, agents + list(managers.values()), offices

    def _accounts(self, rows) -> dict[str, dict]:
        accounts = {}
        for line, row in rows:
            name, sector = row["account"], row["sector"]
            if not name:
                self.problems.append(f"accounts.csv:{line}: account: required value missing")
                continue
            try:
                segment = segment_for(int(row["employees"])).value
            except ValueError:
                segment = ""
                self.warnings["accounts.csv: employees not a number, segment left empty"] += 1
            if sector and sector.lower() not in KNOWN_SECTORS:
                close = difflib.get_close_matches(sector.lower(), KNOWN_SECTORS, n=1, cutoff=0.8)
                if close:
                    self.warnings[f"accounts.csv: sector {sector!r} looks like a misspelling of "
                                  f"{close[0]!r} (kept as given)"] += 1
            accounts[name] = {"name": name, "sector": sector, "segment": segment}
        self.report.imported["accounts.csv"] = {"accounts": len(accounts)}
        return accounts

    def _products(self, rows) -> dict[str, tuple[str, Decimal | None]]:
        products = {}
        for line, row in rows:
            try:
                price = to_money(row["sales_price"])
            except ValueError as exc:
                self.problems.append(f"products.csv:{line}: sales_price: {exc}")
                continue
            products[_product_key(row["product"])] = (row["product"], price)
        return products

    def _pipeline(self, rows, offices, accounts, products) -> list[dict]:
        opportunities = []
        stages = {s.value for s in Stage}
        for line, row in rows:
            agent, stage = row["sales_agent"], row["deal_stage"].lower()
            if agent not in offices:
                self.problems.append(f"sales_pipeline.csv:{line}: sales_agent: unknown agent {agent!r} "
                                     "(not in sales_teams.csv)")
                continue
            if stage not in stages:
                self.problems.append(f"sales_pipeline.csv:{line}: deal_stage: unknown stage {row['deal_stage']!r}")
                continue
            given = row["product"]
            product, price = products.get(_product_key(given), (given, None))
            if _product_key(given) not in products:
                self.warnings[f"sales_pipeline.csv: product {given!r} not in products.csv "
                              "(kept as given; open deals get no amount)"] += 1
            elif product != given:
                self.warnings[f"sales_pipeline.csv: product {given!r} read as {product!r} of products.csv"] += 1
            account = row["account"]
            if not account:
                self.warnings["sales_pipeline.csv: no account (imported without one)"] += 1
            elif account not in accounts:
                accounts[account] = {"name": account, "sector": "", "segment": ""}
                self.warnings["sales_pipeline.csv: account not in accounts.csv (created by name)"] += 1
            if Stage(stage) in OPEN_STAGES:
                amount = price
                if not row["engage_date"]:
                    self.warnings[f"sales_pipeline.csv: {row['deal_stage']} deal without engage_date "
                                  "(opened_on left empty)"] += 1
                if not row["close_value"]:
                    self.warnings["sales_pipeline.csv: open deal without close_value "
                                  "(amount = the product's sales_price)"] += 1
            else:
                amount = row["close_value"] or None
                if not amount:
                    self.warnings[f"sales_pipeline.csv: {row['deal_stage']} deal without close_value "
                                  "(amount left empty)"] += 1
                elif stage == Stage.lost and to_money_or_none(amount) == 0:
                    self.warnings["sales_pipeline.csv: Lost deal with close_value 0 (kept as 0)"] += 1
            opportunities.append({
                "code": row["opportunity_id"], "name": f"{account or 'No account'} — {product}",
                "account": account, "owner": username_for(agent), "territory": offices[agent],
                "stage": stage, "amount": "" if amount is None else str(amount), "product": product,
                "opened_on": row["engage_date"], "closed_on": row["close_date"],
            })
        self.report.imported["sales_pipeline.csv"] = {"opportunities": len(opportunities)}
        return opportunities


def to_money_or_none(text: str) -> Decimal | None:
    try:
        return to_money(text)
    except ValueError:
        return None


def _write_bundle(directory: Path, files: dict[str, list[dict]]) -> None:
    for name, rows in files.items():
        columns = list(rows[0]) if rows else []
        with open(directory / name, "w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)


def _source_problem(problem: str) -> str:
    """'opportunities.csv:12: opened_on: …' → 'sales_pipeline.csv:12: engage_date: …' (same lines)."""
    file, _, rest = problem.partition(":")
    if file not in _BUNDLE_TO_SOURCE:
        return problem
    source, columns = _BUNDLE_TO_SOURCE[file]
    line, _, rest = rest.partition(":")
    column, _, message = rest.strip().partition(":")
    return f"{source}:{line}: {columns.get(column, column)}:{message}"


def import_maven(directory: Path | str, *, engine: Engine, username: str | None = None,
                 show_progress: bool = False) -> MavenReport:
    """Import the sample in ``directory``; all or nothing, idempotent. Raises MavenDataInvalid."""
    directory = Path(directory)
    if not directory.is_dir():
        raise MavenDataInvalid(f"{directory}: not a folder")
    mapper = _Mapper(directory)
    files = mapper.run()
    with tempfile.TemporaryDirectory(prefix="maven-bundle-") as tmp:
        _write_bundle(Path(tmp), files)
        try:
            import_bundle(tmp, engine=engine, username=username, show_progress=show_progress,
                          keep_absent_columns=True, audit_action="import", audit_entity="maven-crm",
                          audit_key=str(directory.name),
                          audit_extra={"read": mapper.report.read,
                                       "warnings": dict(mapper.report.warnings)})
        except BundleInvalid as exc:
            raise MavenDataInvalid([_source_problem(p) for p in exc.problems]) from None
    return mapper.report
