# Each email is marked sent, with its notification, in one statement committed on its own. A batch besides
# holds its reminders and lets them go (two statements). Query counts of deliveries are pinned besides these.
QUERIES_PER_EMAIL = 1
