"""The only page of a user whose password must change first (see pages/account.py)."""
from pages.account import render_forced_change as render

if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
