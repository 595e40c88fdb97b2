"""The rep's reasons for handing a lead back, as people read them (the labels live in i18n.labels)."""
from i18n.labels import label
from models.enums import RejectReason


def reason_label(reason: str | None) -> str:
    """The reason as a person reads it; '—' when none is given, the code itself when unknown."""
    return label(reason, RejectReason) if reason else "—"
