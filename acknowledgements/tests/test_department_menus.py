"""The campaign forms' department menus: the empty choice says what choosing none means for each form."""

from __future__ import annotations

import pytest

from acknowledgements.forms import ExtendDeadlineForm, WaiverSelectionForm


@pytest.mark.parametrize(
    ("form_class", "empty_choice"),
    [(ExtendDeadlineForm, "Everyone pending"), (WaiverSelectionForm, "Choose a department")],
)
def test_the_department_menu_opens_with_the_forms_empty_label(form_class, empty_choice: str) -> None:
    form = form_class(departments=[(1, "Support")])

    assert form.empty_label == empty_choice
    assert form.fields["department"].choices == [("", empty_choice), (1, "Support")]
