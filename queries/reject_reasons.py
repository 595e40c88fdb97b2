"""The rep's reasons for handing a lead back, as people read them."""
from i18n import N_
from models.enums import RejectReason

REJECT_REASON_LABELS = {
    RejectReason.not_my_territory.value: N_("Not my territory"),
    RejectReason.duplicate.value: N_("Duplicate"),
    RejectReason.bad_contact.value: N_("Bad contact details"),
    RejectReason.not_a_fit.value: N_("Not a fit"),
    RejectReason.too_early.value: N_("Too early"),
    RejectReason.other.value: N_("Other"),
}
