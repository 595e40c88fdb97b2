from cli import CommandError
from cli._common import open_engine
from services.demo_seed import DEMO_PASSWORD, seed_demo


def register(subparsers):
    p = subparsers.add_parser("seed-demo", help="fill an empty database with deterministic demo data")
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=run)


def run(args) -> int:
    engine = open_engine()
    try:
        counts = seed_demo(engine=engine, seed=args.seed, only_if_empty=False)
    except RuntimeError as exc:
        raise CommandError(str(exc)) from None
    print("demo data: " + ", ".join(f"{v} {k}" for k, v in counts.items()))
    print(f"every demo user's password is {DEMO_PASSWORD!r} (demo only)")
    return 0
