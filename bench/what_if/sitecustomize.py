"""What-if for the load test only (``ws_load --what-if-auth-fix``), never used by the app.

Measures the one change the profile of a warm rerun points at: ui.session builds
``stauth.Authenticate`` every rerun with a plain-text placeholder password, and the library
bcrypt-hashes it (cost 12, ~0.35 s of CPU) each time unless ``auto_hash=False``. This module is
put first on the bench server's PYTHONPATH so Python imports it at start-up and the server runs
the unchanged app with ``auto_hash=False``.
"""
import streamlit_authenticator as _stauth

_original_init = _stauth.Authenticate.__init__


def _init_without_auto_hash(self, *args, **kwargs):
    kwargs["auto_hash"] = False
    _original_init(self, *args, **kwargs)


_stauth.Authenticate.__init__ = _init_without_auto_hash
