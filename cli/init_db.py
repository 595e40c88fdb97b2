from cli._common import open_engine
from models.db import describe_url


def register(subparsers):
    p = subparsers.add_parser("init-db", help="create or upgrade the schema to the latest migration")
    p.set_defaults(handler=run)


def run(args) -> int:
    engine = open_engine(migrate=True)
    print(f"schema is up to date on {describe_url(str(engine.url))}")
    return 0
