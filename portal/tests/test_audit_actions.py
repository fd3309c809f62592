"""Every action code the apps have stored stays registered under the same code (the registry is
audit's; the codes are every app's, so the check lives with the composition root)."""

from __future__ import annotations

from audit import actions

# Every code the apps have written so far. Events in the database carry them, so each stays
# registered, under the same code, for as long as the app records that action.
STORED_CODES = {
    "acknowledgements.export",
    "acknowledgements.request.waive",
    "acknowledgements.requests.ask",
    "acknowledgements.requests.leave",
    "acknowledgements.requests.replace",
    "acknowledgements.requests.return",
    "acknowledgements.requests.withdraw",
    "acknowledgements.signature.create",
    "acknowledgements.verify",
    "codes.document.create",
    "codes.document.retire",
    "codes.document.update",
    "codes.section.add",
    "codes.section.delete",
    "codes.section.move",
    "codes.section.update",
    "codes.version.approve",
    "codes.version.create",
    "codes.version.discard",
    "codes.version.import",
    "codes.version.publish",
    "codes.version.request_changes",
    "codes.version.submit",
    "codes.version.update",
    "codes.version.withdraw",
    "people.account.change",
    "people.account.create",
    "people.account.delete",
    "people.account.password_set",
    "people.account.rights_change",
    "people.department.change",
    "people.department.create",
    "people.department.delete",
    "people.person.deactivate",
    "people.person.hire",
    "people.person.move",
    "people.person.reactivate",
    "people.profile.change",
    "people.reauthentication.fail",
    "people.role.change",
    "people.role.delete",
    "people.seed_scale",
    "scim.group.provision",
    "scim.token.create",
    "scim.token.revoke",
    "scim.user.provision",
    "training.assignment.cancel",
    "training.assignment.create_for_course",
    "training.assignment.retraining",
    "training.attendance.record",
    "training.completion.record",
    "training.course.create",
    "training.course.update",
    "training.enrolment.cancel",
    "training.enrolment.create",
    "training.export",
    "training.session.cancel",
    "training.session.create",
}


def test_every_code_the_apps_have_stored_is_registered_once_django_has_started() -> None:
    registered = {action.code for action in actions.registered()}

    assert registered >= STORED_CODES, sorted(STORED_CODES - registered)
