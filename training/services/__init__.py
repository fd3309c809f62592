"""State changes for training, one module per subject: who a course is for (`audience`), courses
(`courses`), assignments and retraining (`assignments`), sessions, enrolments and attendance
(`sessions`), completions and refreshers (`completions`), and the status report's exports (`reports`).

Every service that a person triggers checks the actor's permission (and, where a manager acts for
someone, that the person reports to them), refuses a change that breaks a rule with a DomainError a
person can read, and writes its audit event in the same transaction.
"""
