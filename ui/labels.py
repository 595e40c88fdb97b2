"""Labels of enumerated values for pages (the table lives in ``i18n.labels`` so services and the CLI
can use it too)."""
from i18n.labels import LABELS, choices, label, labeller, people_frame, reason_text, relabel  # noqa: F401
