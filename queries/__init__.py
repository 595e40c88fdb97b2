"""Read side: every function takes the viewer (who is asking) and a keyword-only session.

No Streamlit here. Scoping lives where the SQL lives: a query never returns a row that its
viewer may not see, whatever ids or filters the caller passes.
"""
