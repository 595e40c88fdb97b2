"""Write side: validation, transactions, audit. No Streamlit here.

Every function takes the acting ``Viewer`` and a keyword-only ``session`` that the caller opened
with ``models.db.write_session`` (one transaction), checks the viewer may do it, validates, writes,
and appends an audit entry in the same transaction.
"""
