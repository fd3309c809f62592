"""What questions announces to the apps that build on it (it knows nothing of them)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the answering transaction, with `question_id`: reminders claims the notice to the asker there
# (so that it is claimed exactly once, with the answer) and delivers it once the transaction has committed.
question_answered = Signal()
