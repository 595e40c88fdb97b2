"""The benchmark's databases: generated once per (dialect, scale) and reused where that is safe.

SQLite files live in the work directory (default ``$TMPDIR/onevoice-bench``) with a sidecar
``.meta.json`` naming the scale, seed, anchor and generator version; a file is reused only when
they match, and is migrated to head first (a new index migration then applies to it). PostgreSQL
databases are created on the given server for this run and always dropped at its end.
"""
from __future__ import annotations

import atexit
import json
import os
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa

from bench.generate import DEFAULT_ANCHOR, DEFAULT_SEED, GENERATOR_VERSION, generate
from models.db import dispose_engines, get_engine, normalise_url
from models.migrate import upgrade_to_head

DEFAULT_WORKDIR = Path(os.environ.get("ONEVOICE_BENCH_DIR", Path(tempfile.gettempdir()) / "onevoice-bench"))
DEFAULT_PG_SERVER = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@dataclass
class BenchDatabases:
    workdir: Path = DEFAULT_WORKDIR
    pg_server: str = DEFAULT_PG_SERVER
    seed: int = DEFAULT_SEED
    anchor: date = DEFAULT_ANCHOR
    log: object = print
    reports: dict = field(default_factory=dict)
    _pg_names: list = field(default_factory=list)

    def url(self, dialect: str, scale: str) -> str:
        key = (dialect, scale)
        if key not in self.reports:
            self.reports[key] = self._sqlite(scale) if dialect == "sqlite" else self._postgresql(scale)
        return self.reports[key]["url"]

    def generation(self, dialect: str, scale: str) -> dict:
        self.url(dialect, scale)
        return self.reports[(dialect, scale)]

    def _sqlite(self, scale: str) -> dict:
        self.workdir.mkdir(parents=True, exist_ok=True)
        path = self.workdir / f"{scale}-seed{self.seed}.db"
        meta_path = path.with_suffix(".meta.json")
        want = {"scale": scale, "seed": self.seed, "anchor": self.anchor.isoformat(),
                "generator_version": GENERATOR_VERSION}
        url = f"sqlite:///{path}"
        if path.exists() and meta_path.exists():
            meta = json.loads(meta_path.read_text())
            if all(meta.get(k) == v for k, v in want.items()):
                started = time.perf_counter()
                upgrade_to_head(get_engine(url))
                dispose_engines()
                self.log(f"[sqlite/{scale}] reusing {path} (migrated to head in {time.perf_counter() - started:.1f}s)")
                return {**meta, "url": url, "reused": True}
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        meta_path.unlink(missing_ok=True)
        report = generate(url, scale, seed=self.seed, anchor=self.anchor, log=self._prefixed(f"sqlite/{scale}"))
        meta_path.write_text(json.dumps(report, indent=2))
        return {**report, "url": url, "reused": False}

    def _postgresql(self, scale: str) -> dict:
        name = f"onevoice_bench_{scale}_{os.getpid()}_{uuid.uuid4().hex[:4]}"
        admin = self._admin()
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        admin.dispose()
        if not self._pg_names:
            atexit.register(self.drop_postgresql)
        self._pg_names.append(name)
        url = sa.engine.make_url(normalise_url(self.pg_server)).set(database=name).render_as_string(hide_password=False)
        report = generate(url, scale, seed=self.seed, anchor=self.anchor, log=self._prefixed(f"postgresql/{scale}"))
        return {**report, "url": url, "reused": False}

    def _admin(self):
        url = sa.engine.make_url(normalise_url(self.pg_server)).set(database="postgres")
        return sa.create_engine(url, isolation_level="AUTOCOMMIT")

    def drop_postgresql(self) -> None:
        """Drop every database this run created (also run at exit)."""
        if not self._pg_names:
            return
        dispose_engines()
        admin = self._admin()
        with admin.connect() as conn:
            for name in self._pg_names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()
        self._pg_names.clear()
        for key in [k for k in self.reports if k[0] == "postgresql"]:
            del self.reports[key]

    def _prefixed(self, label: str):
        return lambda message: self.log(f"[{label}] {message.strip()}")
