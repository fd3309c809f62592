"""A large, realistic organisation for benchmarks: what `manage.py seed_scale` builds.

The shape, for 100,000 people (every figure follows --people):

- about 50 departments in a tree: a head office, 7 divisions, the teams under them;
- about one manager for every 12 people: a head per team and team leads under the head, who
  report to their division's head, who reports to the chief executive; a few compliance
  officers and an administrator at the head office;
- code documents with their versions (the last published, the earlier ones superseded), about
  10 sections each, the content hashes computed by `codes.content` as publishing does;
- one acknowledgement request per person for each published version: signed, pending (asked
  lately, due within two weeks) or overdue (past the version's due date);
- a signature for every signed request, chained and MAC-ed as `acknowledgements.chain.seal` does it, in
  the order of `signed_at`, so `verify_signatures` passes; signatures are built here and
  inserted in batches, not through the signing service, which would take hours for millions;
- training: courses with a yearly refresher, completions over the last thirteen months with
  their open refresher, and initial assignments for those who have not completed a course;
- the reminder history: every reminder due today counts as sent already, as in a portal whose
  daily sweep has been running, so that the next sweep sends only what becomes due after.

Everything is drawn from one seeded random generator, so the same options give the same
organisation. All rows are written in one transaction: a failure leaves nothing behind (which
matters, since signatures can never be deleted).

The modules, in the order a run writes: `options` (what to build, and the summary of what was
built), `organisation` (the departments and people planned in memory), `staff` (written),
`documents` (code documents, versions, sections), `signing` (requests and the signature chain),
`courses` (training), `reminder_history`; `loading` writes rows with COPY and lifts constraints
for the bulk load; `run` holds a run's shared state and `seeder` puts the steps together.
"""
