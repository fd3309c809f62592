# Each email is locked, sent and marked in a transaction of its own (a savepoint in a test): a savepoint,
# its reminders locked, marked sent, its notification, the release. Query counts of deliveries are pinned
# besides these.
QUERIES_PER_EMAIL = 5
