"""The company-scale data set of DESIGN.md ("Scale it is built for"), generated with numpy.

Each table is produced as column arrays (``Table``): int64 with -1 for NULL (every id, count
and amount is >= 0), ``datetime64[us]`` (UTC) and ``datetime64[D]`` with NaT for NULL, bool, or
object arrays of str/None. Activities, the one table too big to hold at once, come in chunks.
The same seed and scale give the same rows: every table draws from its own seeded stream.

Skew: territories follow a Zipf-like law (the top territory has ~14% of everything at large,
the smallest ~0.2%); campaigns, and so leads, deals and activity, follow a seasonal curve
(spring and autumn peaks, August and the year-end holidays low) on a 15%-a-year growth trend.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from models.enums import Channel, EventKind, Segment

LARGE = {"territory": 100, "user": 5_000, "account": 100_000, "campaign": 2_000, "event": 20_000,
         "lead": 1_000_000, "opportunity": 500_000, "activity": 10_000_000, "feedback": 20_000}
FACTORS = {"large": 1.0, "medium": 0.1, "small": 0.01, "tiny": 0.001}
MINIMUM = {"territory": 1, "user": 12, "account": 50, "campaign": 10, "event": 20, "lead": 1_000,
           "opportunity": 500, "activity": 10_000, "feedback": 20}
HISTORY_MONTHS = 36
FUTURE_DAYS = 90
ACTIVITY_CHUNK = 1_000_000
NULL = -1
US_PER_DAY = 86_400_000_000
US_PER_HOUR = 3_600_000_000
# Month-of-year demand (Jan..Dec): spring and autumn peaks, August and year-end low.
SEASON = np.array([0.7, 0.9, 1.2, 1.1, 1.0, 1.0, 0.8, 0.6, 1.2, 1.3, 1.2, 0.8])
BENCH_PASSWORD = "onevoice-bench-2026"
# bcrypt of BENCH_PASSWORD with a fixed salt, so the data stay deterministic (cost 12 as the app).
BENCH_SALT = b"$2b$12$OneVoiceBenchSaltFixeu"


def sizes_for(scale: str) -> dict[str, int]:
    factor = FACTORS[scale]
    return {k: max(MINIMUM[k], int(round(v * factor))) for k, v in LARGE.items()}


@dataclass
class Table:
    name: str
    columns: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(next(iter(self.columns.values())))


def to_us(day: date) -> int:
    return int((np.datetime64(day, "D") - np.datetime64(0, "D")).astype("timedelta64[us]").astype(np.int64))


def as_ts(us: np.ndarray) -> np.ndarray:
    """int64 microseconds (NULL = -1) to datetime64[us] (NULL = NaT)."""
    out = us.astype("datetime64[us]")
    out[us == NULL] = np.datetime64("NaT")
    return out


def as_day(us: np.ndarray) -> np.ndarray:
    out = (us // US_PER_DAY).astype("datetime64[D]")
    out[us == NULL] = np.datetime64("NaT")
    return out


def strings(fmt: str, values) -> np.ndarray:
    return np.array([fmt.format(v) for v in values], dtype=object)


def grouped(keys: np.ndarray, n_groups: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(order, start, count): the row indices sorted by key and each key's slice of them."""
    order = np.argsort(keys, kind="stable")
    counts = np.bincount(keys, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    return order, starts, counts


def pick_in_group(rng, order, starts, counts, groups: np.ndarray) -> np.ndarray:
    """One random member of each given group (-1 where the group is empty)."""
    c = counts[groups]
    idx = starts[groups] + (rng.random(len(groups)) * np.maximum(c, 1)).astype(np.int64)
    out = np.where(c > 0, order[np.minimum(idx, len(order) - 1)] if len(order) else -1, -1)
    return out


class Company:
    """Generates the tables in load order; keeps what later tables refer to."""

    def __init__(self, scale: str, seed: int, anchor: date):
        self.scale, self.seed, self.anchor = scale, seed, anchor
        self.n = sizes_for(scale)
        self.anchor_us = to_us(anchor)
        self.start_day = date(anchor.year - HISTORY_MONTHS // 12, anchor.month, 1)
        self.start_us = to_us(self.start_day)
        self.end_us = self.anchor_us + FUTURE_DAYS * US_PER_DAY
        days = np.arange(self.start_us, self.end_us, US_PER_DAY)
        months = (days // US_PER_DAY).astype("datetime64[D]").astype("datetime64[M]").astype(np.int64) % 12
        years = (days - self.start_us) / (365.25 * US_PER_DAY)
        self.day_us = days
        self.day_weight = SEASON[months] * (1.15 ** years)

    def rng(self, stream: int, part: int = 0) -> np.random.Generator:
        return np.random.default_rng([self.seed, stream, part])

    def seasonal_days(self, rng, n: int, lo_us: int, hi_us: int) -> np.ndarray:
        """n day starts (us) in [lo, hi) drawn with the seasonal weights."""
        mask = (self.day_us >= lo_us) & (self.day_us < hi_us)
        w = self.day_weight[mask]
        return self.day_us[mask][rng.choice(len(w), size=n, p=w / w.sum())]

    @staticmethod
    def office_time(rng, n: int) -> np.ndarray:
        """A time of day in Seoul office hours (09:00-19:00 KST = 00:00-10:00 UTC), in us."""
        return (rng.random(n) * 10 * US_PER_HOUR).astype(np.int64)

    # -- reference data -------------------------------------------------------------------
    def territories(self) -> Table:
        n = self.n["territory"]
        w = 1.0 / np.arange(1, n + 1) ** 0.9
        self.t_weight = w / w.sum()
        ids = np.arange(1, n + 1)
        return Table("territory", {"id": ids, "code": strings("T{:03d}", ids),
                                   "name": np.array([f"Region {i} 지역{i}" for i in ids], dtype=object)})

    def users(self) -> Table:
        rng, n, n_t = self.rng(1), self.n["user"], self.n["territory"]
        n_exec, n_admin = max(1, n // 500), max(1, n // 1000)
        n_mkt = max(2, n // 125)
        n_rep = n - n_t - n_exec - n_admin - n_mkt
        role = np.array(["manager"] * n_t + ["rep"] * n_rep + ["marketer"] * n_mkt + ["executive"] * n_exec
                        + ["admin"] * n_admin, dtype=object)
        ids = np.arange(1, n + 1)
        territory = np.full(n, NULL)
        territory[:n_t] = np.arange(1, n_t + 1)
        # Every territory has at least one rep; the rest follow the territory weights.
        rep_t = np.concatenate([np.arange(1, n_t + 1), rng.choice(n_t, n_rep - n_t, p=self.t_weight) + 1])
        territory[n_t:n_t + n_rep] = np.sort(rep_t)
        manager = np.full(n, NULL)
        manager[n_t:n_t + n_rep] = territory[n_t:n_t + n_rep]   # manager i is user i of territory i
        active = np.ones(n, dtype=bool)
        active[n_t:n_t + n_rep] = rng.random(n_rep) > 0.02
        prefix = {"manager": "mgr", "rep": "rep", "marketer": "mkt", "executive": "exec", "admin": "admin"}
        counter: dict[str, int] = {}
        usernames = []
        for r in role:
            counter[r] = counter.get(r, 0) + 1
            usernames.append(f"{prefix[r]}{counter[r]:04d}")
        self.rep_ids = ids[role == "rep"]
        self.rep_territory = territory[role == "rep"]
        self.marketer_ids = ids[role == "marketer"]
        self.manager_ids = ids[:n_t]
        self.user_territory = territory
        self.usernames = usernames
        self.roles = role
        self.active = active
        # reps grouped by territory, for "a rep of this territory"
        self.reps_by_t = grouped(self.rep_territory - 1, n_t)
        import bcrypt

        pw = bcrypt.hashpw(BENCH_PASSWORD.encode(), BENCH_SALT).decode()
        return Table("app_user", {
            "id": ids, "username": np.array(usernames, dtype=object),
            "display_name": np.array([f"{u.title()} 사용자" for u in usernames], dtype=object),
            "email": np.array([f"{u}@bench.example" for u in usernames], dtype=object),
            "role": role, "territory_id": territory, "manager_id": manager, "active": active,
            "password_hash": np.full(n, pw, dtype=object), "must_change_password": np.zeros(n, dtype=bool),
            "session_epoch": as_ts(np.full(n, NULL))})

    def rep_of(self, rng, territory_ids: np.ndarray) -> np.ndarray:
        order, starts, counts = self.reps_by_t
        idx = pick_in_group(rng, order, starts, counts, territory_ids - 1)
        return np.where(idx >= 0, self.rep_ids[np.maximum(idx, 0)], NULL)

    def accounts(self) -> Table:
        rng, n = self.rng(2), self.n["account"]
        territory = rng.choice(self.n["territory"], n, p=self.t_weight) + 1
        territory[rng.random(n) < 0.05] = NULL          # key accounts: company-wide
        segment = rng.choice(np.array(["enterprise", "mid_market", "smb", None], dtype=object), n,
                             p=[0.1, 0.3, 0.58, 0.02])
        owner = np.where(territory != NULL, self.rep_of(rng, np.maximum(territory, 1)), NULL)
        self.account_territory = territory
        self.account_segment = segment
        self.accounts_by_t = grouped(np.where(territory == NULL, 0, territory), self.n["territory"] + 1)
        ids = np.arange(1, n + 1)
        sectors = np.array(["manufacturing", "retail", "healthcare", "technology", "logistics", "finance",
                            "construction", "food"], dtype=object)
        names = [f"{'(주)한빛' if i % 10 == 0 else 'Company'} {i:06d}" for i in ids]
        return Table("account", {"id": ids, "name": np.array(names, dtype=object),
                                 "sector": sectors[rng.integers(0, len(sectors), n)], "segment": segment,
                                 "territory_id": territory, "owner_id": owner})

    def account_in(self, rng, territory_ids: np.ndarray) -> np.ndarray:
        order, starts, counts = self.accounts_by_t
        idx = pick_in_group(rng, order, starts, counts, territory_ids)
        return np.where(idx >= 0, idx + 1, NULL)

    def campaigns(self) -> tuple[Table, Table]:
        rng, n, n_t = self.rng(3), self.n["campaign"], self.n["territory"]
        start = np.sort(self.seasonal_days(rng, n, self.start_us, self.end_us))
        end = start + rng.integers(7, 121, n) * US_PER_DAY
        channels = np.array([c.value for c in Channel], dtype=object)
        channel = channels[rng.choice(len(channels), n, p=[0.3, 0.15, 0.15, 0.2, 0.05, 0.1, 0.05])]
        status = np.where(start > self.anchor_us, "planned", np.where(end < self.anchor_us, "completed", "active"))
        status = status.astype(object)
        status[rng.random(n) < 0.03] = "cancelled"
        budget = (np.exp(rng.normal(np.log(30_000_000), 0.8, n)) * 100).astype(np.int64) // 100_000 * 100_000
        cost = (budget * rng.uniform(0.6, 1.1, n)).astype(np.int64)
        cost[(status == "planned") | (rng.random(n) < 0.05)] = NULL
        segments = np.array([s.value for s in Segment], dtype=object)
        target_segment = np.where(rng.random(n) < 0.3, segments[rng.integers(0, 3, n)], None)
        ids = np.arange(1, n + 1)
        owner = self.marketer_ids[rng.integers(0, len(self.marketer_ids), n)]
        # Target territories: 20% none (= every territory), else 1-6 by territory weight.
        pairs_c, pairs_t = [], []
        for cid in ids:
            if rng.random() < 0.2:
                continue
            k = min(n_t, 1 + int(rng.geometric(0.45)) - 1 + (rng.random() < 0.5))
            k = max(1, min(k, 6, n_t))
            for t in rng.choice(n_t, k, replace=False, p=self.t_weight) + 1:
                pairs_c.append(cid)
                pairs_t.append(t)
        self.ct = (np.array(pairs_c, dtype=np.int64), np.array(pairs_t, dtype=np.int64))
        self.ct_by_c = grouped(self.ct[0] - 1, n)
        self.c_start, self.c_end, self.c_status = start, end, status
        campaign = Table("campaign", {
            "id": ids, "code": strings("C{:05d}", ids),
            "name": np.array([f"Campaign {i} — {ch}" for i, ch in zip(ids, channel)], dtype=object),
            "channel": channel, "status": status, "start_date": as_day(start), "end_date": as_day(end),
            "objective": np.where(ids % 3 == 0, "목표: 리드 확보 (lead capture)", "Pipeline growth").astype(object),
            "budget": budget, "actual_cost": cost, "target_segment": target_segment, "owner_id": owner,
            "version": np.ones(n, dtype=np.int64)})
        targets = Table("campaign_territory", {"campaign_id": self.ct[0], "territory_id": self.ct[1]})
        return campaign, targets

    def territory_of_campaign(self, rng, campaign_ids: np.ndarray) -> np.ndarray:
        """A target territory of each campaign; any territory (by weight) when it lists none."""
        order, starts, counts = self.ct_by_c
        idx = pick_in_group(rng, order, starts, counts, campaign_ids - 1)
        anywhere = rng.choice(self.n["territory"], len(campaign_ids), p=self.t_weight) + 1
        return np.where(idx >= 0, self.ct[1][np.maximum(idx, 0)], anywhere)

    def events(self) -> Table:
        rng, n = self.rng(4), self.n["event"]
        live = np.flatnonzero(self.c_status != "cancelled")
        w = np.where(np.isin(self.c_status[live], ["cancelled"]), 0, 1.0)
        campaign = np.sort(live[rng.choice(len(live), n, p=w / w.sum())] + 1)
        c0, c1 = self.c_start[campaign - 1], self.c_end[campaign - 1]
        day = c0 + (rng.random(n) * ((c1 - c0) // US_PER_DAY + 1)).astype(np.int64) * US_PER_DAY
        starts = day + self.office_time(rng, n) // US_PER_HOUR * US_PER_HOUR
        kinds = np.array([k.value for k in EventKind], dtype=object)
        kind = kinds[rng.choice(len(kinds), n, p=[0.3, 0.1, 0.2, 0.1, 0.15, 0.1, 0.05])]
        hours = np.where(kind == "trade_show", 24 * rng.integers(1, 3, n) + 8, rng.integers(2, 9, n))
        territory = self.territory_of_campaign(rng, campaign)
        status = np.where(rng.random(n) < 0.03, "cancelled", "scheduled").astype(object)
        ids = np.arange(1, n + 1)
        self.e_campaign, self.e_start, self.e_territory = campaign, starts, territory
        self.events_by_c = grouped(campaign - 1, self.n["campaign"])
        venues = np.array(["COEX Hall B", "BEXCO", "KINTEX 3", "Hotel ballroom", "Online", "Customer site"],
                          dtype=object)
        return Table("event", {
            "id": ids, "code": strings("E{:06d}", ids), "campaign_id": campaign,
            "title": np.array([f"Event {i} 세미나" if i % 4 == 0 else f"Event {i}" for i in ids], dtype=object),
            "kind": kind, "territory_id": territory, "venue": venues[rng.integers(0, len(venues), n)],
            "starts_at": as_ts(starts), "ends_at": as_ts(starts + hours * US_PER_HOUR),
            "capacity": rng.integers(20, 500, n), "status": status})

    def notes(self) -> tuple[Table, Table]:
        rng = self.rng(5)
        rows = {"id": [], "campaign_id": [], "version": [], "status": [], "published_at": []}
        nid = 0
        for cid in range(1, self.n["campaign"] + 1):
            first = self.c_start[cid - 1] - 7 * US_PER_DAY
            if first > self.anchor_us:
                continue
            versions = 1 + int(rng.random() < 0.5) + int(rng.random() < 0.2)
            for v in range(1, versions + 1):
                nid += 1
                published = first + (v - 1) * 10 * US_PER_DAY + int(rng.random() * 8) * US_PER_HOUR
                draft = v == versions and rng.random() < 0.2 or published > self.anchor_us
                rows["id"].append(nid)
                rows["campaign_id"].append(cid)
                rows["version"].append(v)
                rows["status"].append("draft" if draft else "published")
                rows["published_at"].append(NULL if draft else published)
        ids = np.array(rows["id"], dtype=np.int64)
        note = Table("campaign_note", {
            "id": ids, "campaign_id": np.array(rows["campaign_id"]), "version": np.array(rows["version"]),
            "title": np.array([f"Talking points v{v}" for v in rows["version"]], dtype=object),
            "body_md": np.full(len(ids), "## 핵심 메시지\n- One voice: key message\n- Offer: 10% off\n", dtype=object),
            "status": np.array(rows["status"], dtype=object), "published_at": as_ts(np.array(rows["published_at"])),
            "author_id": self.marketer_ids[np.arange(len(ids)) % len(self.marketer_ids)]})
        # Read receipts: each targeted rep reads a published note with probability 0.4.
        order, starts, counts = self.ct_by_c
        r_note, r_user, r_at = [], [], []
        for i in np.flatnonzero(note.columns["status"] == "published"):
            cid = note.columns["campaign_id"][i]
            listed = self.ct[1][order[starts[cid - 1]:starts[cid - 1] + counts[cid - 1]]]
            reps = self.rep_ids if len(listed) == 0 else self.rep_ids[np.isin(self.rep_territory, listed)]
            readers = reps[rng.random(len(reps)) < 0.4]
            r_note.append(np.full(len(readers), ids[i]))
            r_user.append(readers)
            pub = rows["published_at"][i]
            r_at.append(np.minimum(pub + (rng.exponential(3, len(readers)) * US_PER_DAY).astype(np.int64),
                                   self.anchor_us - 1))
        r_note, r_user, r_at = (np.concatenate(x) if x else np.zeros(0, np.int64) for x in (r_note, r_user, r_at))
        reads = Table("note_read", {"id": np.arange(1, len(r_note) + 1), "note_id": r_note, "user_id": r_user,
                                    "read_at": as_ts(r_at)})
        return note, reads
