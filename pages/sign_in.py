"""The only page without a session. It is empty: app.py draws the sign-in form itself
(ui.sign_in.login_form) before any page runs."""


def render() -> None:
    """Nothing to draw."""


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
