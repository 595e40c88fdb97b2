"""The access table: one ``Entry`` per page-used function that takes a viewer — who may call it
and how to call it with territory SEL's records (for tests/test_access_refusals.py)."""

from datetime import timedelta


from models.enums import Role
from models.errors import ValidationFailed
from queries import accounts, admin as admin_q, black_hole, dashboard_series, drilldown as drilldown_q
from queries import field_activity, field_common, home, kpis, lead_queue, marketing, notes_feed, team
from queries import territory_events
from queries import registrations as registrations_q
from queries.admin import AuditFilter
from services import activities, admin, calendar_feed, campaigns, feedback, feedback_inbox, lead_import, leads
from services import note_reads, notes, opportunities, privacy, reassign, registrations, routing
from services.admin import TargetRow
from tests.access_world import SEL_MARK
from tests.access_entries import E, HANDOFF_ENTRIES, Entry, _kpi_call, campaign_input, event_input, kf, seoul_month
from tests.access_pages import ADMIN, ALL, AUDIT_READERS, CHECK_IN, ERASE, FIELD, KPI, MANAGER, MARKETING, ROUTING

TABLE: list[Entry] = [
    *HANDOFF_ENTRIES,
    # queries.accounts ----------------------------------------------------------------------
    E(accounts.account_detail, FIELD, lambda w, v, s: accounts.account_detail(v, w.acc_sel.id, session=s),
      "rep_sel", "deny", shows_sel=True),
    E(accounts.accounts_for, FIELD, lambda w, v, s: accounts.accounts_for(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: accounts.accounts_for(v, session=s),
                     lambda w, v, s: accounts.accounts_for(v, session=s, owner_id=w.rep_sel_u.id),
                     lambda w, v, s: accounts.accounts_for(v, session=s, search=SEL_MARK)),
      shows_sel=True),
    E(accounts.linkable_accounts, FIELD, lambda w, v, s: accounts.linkable_accounts(v, session=s), "rep_sel", "hide",
      shows_sel=True),
    # queries.admin ---------------------------------------------------------------------------
    E(admin_q.active_reps_of, ADMIN, lambda w, v, s: admin_q.active_reps_of(v, "SEL", session=s), "admin"),
    E(admin_q.audit_choices, ADMIN, lambda w, v, s: admin_q.audit_choices(v, session=s), "admin"),
    E(admin_q.audit_entries, ADMIN, lambda w, v, s: admin_q.audit_entries(v, AuditFilter(), session=s), "admin"),
    E(admin_q.iter_audit_entries, ADMIN, lambda w, v, s: list(admin_q.iter_audit_entries(v, AuditFilter(), session=s)),
      "admin"),
    E(admin_q.list_users, ADMIN, lambda w, v, s: admin_q.list_users(v, session=s), "admin", shows_sel=True),
    E(admin_q.targets_grid, ADMIN, lambda w, v, s: admin_q.targets_grid(v, session=s, start=w.today.replace(day=1)),
      "admin"),
    E(admin_q.territories_overview, ADMIN, lambda w, v, s: admin_q.territories_overview(v, session=s), "admin",
      shows_sel=True),
    E(admin_q.territory_codes, AUDIT_READERS, lambda w, v, s: admin_q.territory_codes(v, session=s), "admin"),
    # queries.black_hole ----------------------------------------------------------------------
    E(black_hole.black_hole, MARKETING, lambda w, v, s: black_hole.black_hole(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(black_hole.default_period, MARKETING, lambda w, v, s: black_hole.default_period(v, w.camp_sel.id, session=s),
      "marketer"),
    E(black_hole.disqualified_leads, MARKETING, lambda w, v, s: black_hole.disqualified_leads(
        v, w.camp_sel.id, session=s, start=w.today - timedelta(days=30), end=w.today), "marketer"),
    E(black_hole.overdue_untouched, MARKETING, lambda w, v, s: black_hole.overdue_untouched(
        v, w.camp_sel.id, session=s, start=w.today - timedelta(days=30), end=w.today), "marketer", shows_sel=True),
    # queries.dashboard_series, drilldown, kpis -------------------------------------------------
    *[E(fn, KPI, _kpi_call(fn), "executive", "deny", foreign_calls=(_kpi_call(fn), _kpi_call(fn, campaign=True)),
        shows_sel=shows)
      for fn, shows in ((dashboard_series.funnel, False), (dashboard_series.monthly_revenue, False),
                        (dashboard_series.territory_comparison, True), (dashboard_series.campaign_roi_points, True),
                        (dashboard_series.response_time_distribution, False),
                        (dashboard_series.sla_hours, False), (kpis.all_kpis, False))],
    E(kpis.lifetime_kpis, KPI, lambda w, v, s: kpis.lifetime_kpis(v, session=s, territory_id=w.sel.id), "executive",
      "deny", foreign_calls=(lambda w, v, s: kpis.lifetime_kpis(v, session=s, territory_id=w.sel.id),
                             lambda w, v, s: kpis.lifetime_kpis(v, session=s, territory_id=w.sel.id,
                                                                campaign_id=w.camp_sel.id))),
    E(dashboard_series.campaign_choices, KPI, lambda w, v, s: dashboard_series.campaign_choices(
        v, w.today - timedelta(days=400), w.today + timedelta(days=400), session=s), "executive", "hide",
      shows_sel=True),
    E(dashboard_series.territory_choices, ALL, lambda w, v, s: dashboard_series.territory_choices(v, session=s),
      "rep_sel", "hide", shows_sel=True),
    E(drilldown_q.drilldown, KPI, lambda w, v, s: drilldown_q.drilldown(v, kf(w, w.sel), "leads_created", session=s),
      "executive", "deny", shows_sel=True),
    # queries.field_activity -------------------------------------------------------------------
    E(field_activity.link_options, FIELD, lambda w, v, s: field_activity.link_options(v, session=s), "rep_sel",
      "hide", shows_sel=True),
    E(field_activity.my_feedback, FIELD, lambda w, v, s: field_activity.my_feedback(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: field_activity.my_feedback(v, session=s),
                     lambda w, v, s: field_activity.my_feedback(v, session=s, rep_id=w.rep_sel_u.id)),
      shows_sel=True),
    E(field_activity.open_opportunities, FIELD, lambda w, v, s: field_activity.open_opportunities(v, session=s),
      "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: field_activity.open_opportunities(v, session=s),
                     lambda w, v, s: field_activity.open_opportunities(v, session=s, rep_id=w.rep_sel_u.id),
                     lambda w, v, s: field_activity.open_opportunities(v, session=s, search=SEL_MARK)),
      shows_sel=True),
    E(field_activity.opportunity_for, FIELD,
      lambda w, v, s: field_activity.opportunity_for(v, w.opp_sel.id, session=s), "rep_sel", "deny", shows_sel=True),
    E(field_activity.recent_activity, FIELD, lambda w, v, s: field_activity.recent_activity(v, session=s), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: field_activity.recent_activity(v, session=s),
                             lambda w, v, s: field_activity.recent_activity(v, session=s, rep_id=w.rep_sel_u.id)),
      shows_sel=True),
    # queries.field_common -----------------------------------------------------------------------
    E(field_common.territory_reps, FIELD, lambda w, v, s: field_common.territory_reps(v, session=s,
                                                                                      include_inactive=True),
      "rep_sel", "hide", shows_sel=True),
    E(field_common.viewer_territory_name, FIELD, lambda w, v, s: field_common.viewer_territory_name(v, session=s),
      "rep_sel", "hide", shows_sel=True),
    # queries.home -------------------------------------------------------------------------------
    E(home.admin_day, ADMIN, lambda w, v, s: home.admin_day(v, session=s), "admin"),
    E(home.viewer_territory_name, ALL, lambda w, v, s: home.viewer_territory_name(v, session=s), "rep_sel", "hide",
      shows_sel=True),
    E(home.field_day, FIELD, lambda w, v, s: home.field_day(v, session=s), "rep_sel", "hide", shows_sel=True),
    E(home.marketing_day, frozenset({Role.marketer, Role.admin, Role.executive}),
      lambda w, v, s: home.marketing_day(v, session=s), "marketer"),
    # queries.lead_queue -------------------------------------------------------------------------
    E(lead_queue.lead_for, FIELD, lambda w, v, s: lead_queue.lead_for(v, w.lead_sel.id, session=s), "rep_sel",
      "deny", shows_sel=True),
    E(lead_queue.lead_queue, FIELD, lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all"), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all"),
                             lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all", rep_id=w.rep_sel_u.id),
                             lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all", search=SEL_MARK)),
      shows_sel=True),
    E(lead_queue.overdue_count, FIELD, lambda w, v, s: lead_queue.overdue_count(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: lead_queue.overdue_count(v, session=s),
                     lambda w, v, s: lead_queue.overdue_count(v, session=s, rep_id=w.rep_sel_u.id)),
      bsn_check=lambda w, result: result == 0),  # SEL's lead is overdue, BSN's is not
    # queries.marketing --------------------------------------------------------------------------
    E(marketing.campaign_choices, ROUTING, lambda w, v, s: marketing.campaign_choices(v, session=s), "marketer",
      "hide", shows_sel=True),
    E(marketing.campaign_owners, MARKETING, lambda w, v, s: marketing.campaign_owners(v, session=s), "marketer"),
    E(marketing.campaign_for_edit, MARKETING,
      lambda w, v, s: marketing.campaign_for_edit(v, w.camp_sel.id, session=s), "marketer", shows_sel=True),
    E(marketing.campaign_row, MARKETING, lambda w, v, s: marketing.campaign_row(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(marketing.event_choices, MARKETING, lambda w, v, s: marketing.event_choices(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(marketing.events_of_campaign, MARKETING,
      lambda w, v, s: marketing.events_of_campaign(v, w.camp_sel.id, session=s), "marketer", shows_sel=True),
    E(marketing.feedback_inbox, MARKETING, lambda w, v, s: marketing.feedback_inbox(v, session=s), "marketer",
      shows_sel=True),
    E(marketing.import_batches, MARKETING, lambda w, v, s: marketing.import_batches(v, session=s), "marketer"),
    E(marketing.leads_of_batch, MARKETING, lambda w, v, s: marketing.leads_of_batch(v, w.batch_id, session=s),
      "marketer", shows_sel=True),
    E(marketing.list_campaigns, MARKETING, lambda w, v, s: marketing.list_campaigns(v, session=s), "marketer",
      shows_sel=True),
    E(marketing.note_read_rate_by_territory, MARKETING,
      lambda w, v, s: marketing.note_read_rate_by_territory(v, w.note_sel.id, session=s), "marketer"),
    E(marketing.notes_of_campaign, MARKETING, lambda w, v, s: marketing.notes_of_campaign(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(marketing.routable_reps, ROUTING, lambda w, v, s: marketing.routable_reps(v, w.sel.id, session=s), "marketer",
      "deny", shows_sel=True),
    E(marketing.unassigned_queue, ROUTING, lambda w, v, s: marketing.unassigned_queue(v, session=s), "marketer",
      "hide", foreign_calls=(lambda w, v, s: marketing.unassigned_queue(v, session=s),
                             lambda w, v, s: marketing.unassigned_queue(v, session=s, territory_id=w.sel.id),
                             lambda w, v, s: marketing.unassigned_queue(v, session=s, campaign_id=w.camp_sel.id),
                             lambda w, v, s: marketing.unassigned_queue(v, session=s, without_territory=True)),
      shows_sel=True),
    E(marketing.unread_reps, MARKETING, lambda w, v, s: marketing.unread_reps(v, w.note_sel.id, session=s),
      "marketer", shows_sel=True),
    # queries.notes_feed --------------------------------------------------------------------------
    E(notes_feed.notes_for, FIELD, lambda w, v, s: notes_feed.notes_for(v, session=s, latest_only=False), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: notes_feed.notes_for(v, session=s, latest_only=False),
                             lambda w, v, s: notes_feed.notes_for(v, session=s, campaign_id=w.camp_sel.id)),
      shows_sel=True),
    E(notes_feed.unread_count, FIELD, lambda w, v, s: notes_feed.unread_count(v, session=s),
      "rep_sel", "hide", bsn_check=lambda w, result: result == 1),  # BSN's own note only
    # queries.team --------------------------------------------------------------------------------
    E(team.team_load, MANAGER, lambda w, v, s: team.team_load(v, session=s), "mgr_sel", "hide", shows_sel=True),
    E(team.unassigned_leads, MANAGER, lambda w, v, s: team.unassigned_leads(v, session=s), "mgr_sel", "hide",
      foreign_calls=(lambda w, v, s: team.unassigned_leads(v, session=s),
                     lambda w, v, s: team.unassigned_leads(v, session=s, search=SEL_MARK)),
      shows_sel=True),
    # queries.territory_events --------------------------------------------------------------------
    E(territory_events.calendar_feed, FIELD, lambda w, v, s: territory_events.calendar_feed(v, session=s), "rep_sel",
      "hide", shows_sel=True),
    E(territory_events.calendar_feed_size, FIELD, lambda w, v, s: territory_events.calendar_feed_size(v, session=s),
      "rep_sel", "hide", bsn_check=lambda w, result: result == 1),  # BSN's own upcoming event only, not SEL's too
    E(territory_events.campaigns_without_local_event, FIELD,
      lambda w, v, s: territory_events.campaigns_without_local_event(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: territory_events.campaigns_without_local_event(v, session=s),
                     lambda w, v, s: territory_events.campaigns_without_local_event(v, session=s,
                                                                                     campaign_id=w.camp_sel.id))),
    E(territory_events.events_for, FIELD, lambda w, v, s: territory_events.events_for(v, session=s), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: territory_events.events_for(v, session=s),
                             lambda w, v, s: territory_events.events_for(v, session=s, campaign_id=w.camp_sel.id)),
      shows_sel=True),
    E(territory_events.month_events, FIELD, lambda w, v, s: territory_events.month_events(
        v, session=s, year=seoul_month(w.ev_sel.starts_at)[0], month=seoul_month(w.ev_sel.starts_at)[1]),
      "rep_sel", "hide", shows_sel=True),
    E(territory_events.territory_campaigns, FIELD,
      lambda w, v, s: territory_events.territory_campaigns(v, session=s), "rep_sel", "hide", shows_sel=True),
    # queries.registrations ----------------------------------------------------------------------
    E(registrations_q.account_registrations, FIELD,
      lambda w, v, s: registrations_q.account_registrations(v, session=s), "rep_sel", "hide", shows_sel=True),
    E(registrations_q.check_in_events, CHECK_IN, lambda w, v, s: registrations_q.check_in_events(v, session=s),
      "rep_sel", "hide", shows_sel=True),
    E(registrations_q.event_registrations, CHECK_IN,
      lambda w, v, s: registrations_q.event_registrations(v, w.ev_sel.id, session=s), "rep_sel", "deny",
      shows_sel=True),
    E(registrations_q.event_results, frozenset({Role.marketer, Role.admin, Role.executive}),
      lambda w, v, s: registrations_q.event_results(v, session=s), "marketer", shows_sel=True),
    # services.activities ------------------------------------------------------------------------
    E(activities.log_activity, FIELD, lambda w, v, s: activities.log_activity(
        v, session=s, kind="call", lead_id=w.lead_sel.id, notes="called"), "rep_sel", "deny",
      foreign_calls=(
          lambda w, v, s: activities.log_activity(v, session=s, kind="call", lead_id=w.lead_sel.id),
          lambda w, v, s: activities.log_activity(v, session=s, kind="call", opportunity_id=w.opp_sel.id),
          lambda w, v, s: activities.log_activity(v, session=s, kind="visit", event_id=w.ev_sel.id),
          lambda w, v, s: activities.log_activity(v, session=s, kind="visit", account_id=w.acc_sel.id))),
    # services.admin -----------------------------------------------------------------------------
    E(admin.create_territory, ADMIN, lambda w, v, s: admin.create_territory(v, "NEW", "New", session=s), "admin"),
    E(admin.create_user, ADMIN, lambda w, v, s: admin.create_user(
        v, session=s, username="sel.new", role="rep", territory_code="SEL", display_name=None, email=None,
        manager_username="sel.mgr"), "admin"),
    E(admin.disable_user, ADMIN,
      lambda w, v, s: admin.disable_user(v, "sel.rep2", session=s, handover_to="sel.rep"), "admin"),
    E(admin.enable_user, ADMIN, lambda w, v, s: admin.enable_user(v, "sel.rep2", session=s), "admin",
      ok_errors=(ValidationFailed,)),
    E(admin.export_bundle_download, ADMIN,
      lambda w, v, s: admin.export_bundle_download(v, engine=s.get_bind()), "admin", engine=True),
    E(admin.import_bundle_upload, ADMIN, lambda w, v, s: admin.import_bundle_upload(
        v, b"not a zip archive", filename="bundle.zip", engine=s.get_bind()), "admin", engine=True,
      ok_errors=(ValidationFailed,)),
    E(admin.merge_territories, ADMIN, lambda w, v, s: admin.merge_territories(v, "BSN", "SEL", session=s), "admin"),
    E(admin.rename_territory, ADMIN, lambda w, v, s: admin.rename_territory(v, "SEL", "Seoul!", session=s), "admin"),
    E(admin.reset_password, ADMIN, lambda w, v, s: admin.reset_password(v, "sel.rep", session=s), "admin"),
    E(admin.save_targets, ADMIN, lambda w, v, s: admin.save_targets(
        v, [TargetRow("SEL", w.today.strftime("%Y-%m"), "100.00", "90.00")], session=s), "admin"),
    E(admin.update_setting, ADMIN, lambda w, v, s: admin.update_setting(v, "sla_hours", "48", session=s), "admin"),
    E(admin.update_user, ADMIN, lambda w, v, s: admin.update_user(
        v, "sel.rep", session=s, display_name="Renamed", email=None, role="manager", territory_code="SEL",
        manager_username=None), "admin"),
    # services.calendar_feed ---------------------------------------------------------------------
    E(calendar_feed.current_token, FIELD, lambda w, v, s: calendar_feed.current_token(v, session=s), "rep_sel",
      "hide"),
    E(calendar_feed.issue_token, FIELD, lambda w, v, s: calendar_feed.issue_token(v, session=s), "rep_sel",
      "hide", own_writes=("calendar_token", "audit_log")),
    # services.registrations ---------------------------------------------------------------------
    E(registrations.add_registration, CHECK_IN, lambda w, v, s: registrations.add_registration(
        v, w.ev_sel.id, registrations.RegistrationInput("walk.in@selx.example", f"{SEL_MARK} Walk-in Co"),
        session=s, walk_in=True, now=w.ev_sel.starts_at), "rep_sel", "deny"),
    E(registrations.check_in, CHECK_IN, lambda w, v, s: registrations.check_in(
        v, w.registration_sel.id, session=s, now=w.ev_sel.starts_at), "rep_sel", "deny"),
    E(registrations.door_view, CHECK_IN, lambda w, v, s: registrations.door_view(v, w.ev_sel.id, session=s),
      "rep_sel", "deny"),
    E(registrations.import_registrations, MARKETING, lambda w, v, s: registrations.import_registrations(
        v, w.lead_file, w.import_mapping, event_id=w.ev_sel.id, session=s), "marketer"),
    E(registrations.mark_no_shows, CHECK_IN, lambda w, v, s: registrations.mark_no_shows(
        v, w.ev_sel_past.id, session=s), "rep_sel", "deny"),
    E(registrations.preview_registrations, MARKETING, lambda w, v, s: registrations.preview_registrations(
        v, w.lead_file, w.import_mapping, event_id=w.ev_sel.id, session=s), "marketer"),
    # services.campaigns -------------------------------------------------------------------------
    E(campaigns.cancel_campaign, MARKETING, lambda w, v, s: campaigns.cancel_campaign(v, w.camp_sel.id, session=s),
      "marketer"),
    E(campaigns.cancel_event, MARKETING, lambda w, v, s: campaigns.cancel_event(v, w.ev_sel.id, session=s),
      "marketer"),
    E(campaigns.create_campaign, MARKETING, lambda w, v, s: campaigns.create_campaign(v, campaign_input(w), session=s),
      "marketer"),
    E(campaigns.create_event, MARKETING,
      lambda w, v, s: campaigns.create_event(v, w.camp_sel.id, event_input(w), session=s), "marketer"),
    E(campaigns.update_campaign, MARKETING, lambda w, v, s: campaigns.update_campaign(
        v, w.camp_sel.id, campaign_input(w, name="Renamed", start_date=w.camp_sel.start_date,
                                         end_date=w.camp_sel.end_date), session=s), "marketer"),
    # services.feedback, feedback_inbox ----------------------------------------------------------
    E(feedback.send_feedback, FIELD, lambda w, v, s: feedback.send_feedback(
        v, session=s, kind="question", body="Why?", campaign_id=w.camp_sel.id), "rep_sel", "deny",
      foreign_calls=(lambda w, v, s: feedback.send_feedback(v, session=s, kind="question", body="Why?",
                                                            campaign_id=w.camp_sel.id),
                     lambda w, v, s: feedback.send_feedback(v, session=s, kind="question", body="Why?",
                                                            event_id=w.ev_sel.id))),
    E(feedback_inbox.answer_feedback, MARKETING,
      lambda w, v, s: feedback_inbox.answer_feedback(v, w.feedback_sel.id, "Because.", session=s), "marketer"),
    E(feedback_inbox.mark_resolved, MARKETING,
      lambda w, v, s: feedback_inbox.mark_resolved(v, w.feedback_sel.id, session=s), "marketer"),
    # services.lead_import -----------------------------------------------------------------------
    E(lead_import.import_leads, MARKETING, lambda w, v, s: lead_import.import_leads(
        v, w.lead_file, w.import_mapping, campaign_id=w.camp_sel.id, session=s), "marketer"),
    E(lead_import.preview_import, MARKETING, lambda w, v, s: lead_import.preview_import(
        v, w.lead_file, w.import_mapping, campaign_id=w.camp_sel.id, session=s), "marketer"),
    E(lead_import.undo_batch, MARKETING, lambda w, v, s: lead_import.undo_batch(v, w.batch_id, session=s), "marketer"),
    # services.leads -----------------------------------------------------------------------------
    E(leads.convert_lead, FIELD, lambda w, v, s: leads.convert_lead(
        v, w.lead_sel.id, deal_name="Deal", amount="1000.00", expected_close_on=w.today + timedelta(days=30),
        expected_version=w.lead_sel.version, session=s), "rep_sel", "deny", ok_errors=(ValidationFailed,)),
    E(leads.disqualify_lead, FIELD, lambda w, v, s: leads.disqualify_lead(
        v, w.lead_sel.id, reason="no_budget", expected_version=w.lead_sel.version, session=s), "rep_sel", "deny"),
    E(leads.log_contact_attempt, FIELD, lambda w, v, s: leads.log_contact_attempt(v, w.lead_sel.id, session=s),
      "rep_sel", "deny"),
    E(leads.move_status, FIELD, lambda w, v, s: leads.move_status(
        v, w.lead_sel.id, "working", expected_version=w.lead_sel.version, session=s), "rep_sel", "deny"),
    # services.note_reads, notes ------------------------------------------------------------------
    E(note_reads.acknowledge_note, FIELD, lambda w, v, s: note_reads.acknowledge_note(v, w.note_sel_v1.id, session=s),
      "rep_sel", "deny"),
    E(notes.diff_versions, MARKETING, lambda w, v, s: notes.diff_versions(v, w.camp_sel.id, 1, 2, session=s),
      "marketer"),
    E(notes.publish_note, MARKETING, lambda w, v, s: notes.publish_note(v, w.camp_sel.id, "v3", "**new**", session=s),
      "marketer"),
    E(notes.save_draft, MARKETING, lambda w, v, s: notes.save_draft(v, w.camp_sel.id, "v3", "**new**", session=s),
      "marketer"),
    # services.opportunities ---------------------------------------------------------------------
    E(opportunities.create_opportunity, FIELD, lambda w, v, s: opportunities.create_opportunity(
        v, session=s, name="New deal", account_id=w.acc_sel.id), "rep_sel", "deny",
      foreign_calls=(
          lambda w, v, s: opportunities.create_opportunity(v, session=s, name="New deal", account_id=w.acc_sel.id),
          lambda w, v, s: opportunities.create_opportunity(v, session=s, name="New deal", account_id=None,
                                                           owner_id=w.rep_sel_u.id))),
    E(opportunities.update_opportunity, FIELD, lambda w, v, s: opportunities.update_opportunity(
        v, w.opp_sel.id, expected_version=w.opp_sel.version, session=s, stage="engaging", amount="1.00"),
      "rep_sel", "deny"),
    # services.privacy ---------------------------------------------------------------------------
    E(privacy.erase_lead_personal_data, ERASE,
      lambda w, v, s: privacy.erase_lead_personal_data(v, "L-SELX", session=s, reason="PIPA-1"), "marketer"),
    # services.reassign --------------------------------------------------------------------------
    E(reassign.reassign_all_open, MANAGER,
      lambda w, v, s: reassign.reassign_all_open(v, w.rep_sel_u.id, w.rep2_sel_u.id, session=s), "mgr_sel", "deny",
      foreign_calls=(
          lambda w, v, s: reassign.reassign_all_open(v, w.rep_sel_u.id, w.rep2_sel_u.id, session=s),
          lambda w, v, s: reassign.reassign_all_open(v, w.rep_bsn_u.id, w.rep2_sel_u.id, session=s),
          # a SEL rep holding no open work of BSN is none of the BSN manager's business
          lambda w, v, s: reassign.reassign_all_open(v, w.rep_sel_u.id, w.rep_bsn_u.id, session=s))),
    E(reassign.reassign_lead, MANAGER,
      lambda w, v, s: reassign.reassign_lead(v, w.lead_sel.id, w.rep2_sel_u.id, session=s), "mgr_sel", "deny",
      foreign_calls=(lambda w, v, s: reassign.reassign_lead(v, w.lead_sel.id, w.rep_bsn_u.id, session=s),
                     lambda w, v, s: reassign.reassign_lead(v, w.lead_bsn.id, w.rep_sel_u.id, session=s))),
    E(reassign.reassign_opportunity, MANAGER,
      lambda w, v, s: reassign.reassign_opportunity(v, w.opp_sel.id, w.rep2_sel_u.id, session=s), "mgr_sel", "deny",
      foreign_calls=(lambda w, v, s: reassign.reassign_opportunity(v, w.opp_sel.id, w.rep_bsn_u.id, session=s),
                     lambda w, v, s: reassign.reassign_opportunity(v, w.opp_bsn.id, w.rep_sel_u.id, session=s))),
    E(reassign.route_leads, MANAGER,
      lambda w, v, s: reassign.route_leads(v, [w.lead_sel_unassigned.id], w.rep_sel_u.id, session=s), "mgr_sel",
      "deny",
      foreign_calls=(
          lambda w, v, s: reassign.route_leads(v, [w.lead_sel_unassigned.id], w.rep_bsn_u.id, session=s),
          lambda w, v, s: reassign.route_leads(v, [w.lead_bsn_unassigned.id], w.rep_sel_u.id, session=s),
          lambda w, v, s: reassign.route_leads(v, [w.lead_bsn_unassigned.id, w.lead_sel_unassigned.id],
                                               w.rep_bsn_u.id, session=s))),
    # services.routing ---------------------------------------------------------------------------
    E(routing.auto_route, ROUTING, lambda w, v, s: routing.auto_route(v, [w.lead_sel_unassigned.id], session=s),
      "marketer", "deny"),
    E(routing.route_lead, ROUTING, lambda w, v, s: routing.route_lead(
        v, w.lead_sel_unassigned.id, territory_id=w.sel.id, rep_id=w.rep_sel_u.id, session=s), "marketer", "deny",
      foreign_calls=(
          lambda w, v, s: routing.route_lead(v, w.lead_sel_unassigned.id, territory_id=w.sel.id,
                                             rep_id=w.rep_sel_u.id, session=s),
          lambda w, v, s: routing.route_lead(v, w.lead_sel_unassigned.id, territory_id=w.bsn.id,
                                             rep_id=w.rep_bsn_u.id, session=s),
          lambda w, v, s: routing.route_lead(v, w.lead_bsn_unassigned.id, territory_id=w.sel.id,
                                             rep_id=w.rep_sel_u.id, session=s))),
]
BY_NAME = {entry.name: entry for entry in TABLE}

