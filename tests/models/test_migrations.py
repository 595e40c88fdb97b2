"""The models and the migrations describe the same schema, on both databases: a migrated
database has nothing for Alembic's autogenerate to add or drop."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (every table on the metadata)


def test_models_match_the_migrated_schema(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # Alembic compares types loosely across dialects; tables, columns and indexes must all agree.
    structural = [d for d in diff if not (isinstance(d, list) and d and d[0][0] in ("modify_type",))]
    assert structural == []
