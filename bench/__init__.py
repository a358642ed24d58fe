"""Benchmarks of the intranet's pages: ``make bench`` (``python -m bench``).

What a run does
---------------
It builds two databases, *small* and *large*: SQLite files in ``bench/output/run-<pid>/``,
or with ``--database-url`` the schemas ``bench_large_<pid>`` and ``bench_small_<pid>``
of that PostgreSQL database; they are removed after the run (the directory with the
servers' logs is kept if the run fails). Each is migrated, filled by every
filler (bulk inserts) and given a benchmark user, then served by gunicorn on
127.0.0.1 with ``BENCH_ROUTES=1`` (the bare route ``/_bare``) and ``COUNT_QUERIES=1``
(the ``X-Query-Count`` response header). Signed in as that user it measures each page:

- page time: single requests on one warm connection, small and large in turns (so
  that whatever else the machine is doing weighs on both alike), first quartile
  (other processes only add time: the faster requests show the page's own cost);
- queries per request: ``X-Query-Count``, the most seen, at both sizes;
- requests per second at the large size, from a load generator in a second process
  (``wrk`` when installed, else ``python -m bench.client``), against the bare route
  measured on the same server just before and just after that page.

It prints a table and PASS/FAIL per target; the exit status is 1 if one failed. The
numbers are ratios on purpose: absolute rates depend on the machine. Tests never
assert timings; ``tests/bench/`` only checks that the pieces work.

    python -m bench                  # about two minutes (make bench)
    python -m bench --quick          # 1 s of load per page: to try a change
    python -m bench --only people --only people-search
    python -m bench --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

The numbers of the last run are also written to ``bench/output/results.json``.

Adding your area's pages
------------------------
A filler and a few lines in ``bench/scenarios.py``, the one registry:

1. A filler for your tables, in ``bench/<area>.py`` (``from .data import bulk_insert, ids_of``)::

       def fill_meetings(counts, rng):
           council_ids = ids_of(Council)
           bulk_insert(Meeting, [dict(council_id=rng.choice(council_ids), ...) for n in range(counts["meetings"])])
           meeting_ids = ids_of(Meeting)
           bulk_insert(Decision, [dict(meeting_id=rng.choice(meeting_ids), ...) for n in range(counts["decisions"])])
           return {"meeting_id": meeting_ids[len(meeting_ids) // 2]}   # values for scenario paths

   Build plain dicts and insert them with ``bulk_insert(Model, rows)`` (executemany;
   it fills ``search_text`` of a SearchableMixin model by the model's own
   ``refresh_search_text``). Use ``rng`` (a seeded ``random.Random``) for anything
   random, so runs are comparable. Do not commit: the harness does. Pick the small
   size so that its pages are as full as the large one's (at least a page of rows,
   searches that find a page): large/small should measure how a page scales with the
   data, not how many rows it shows.

2. A line in ``DATASETS`` (after the datasets yours needs: fillers run in order)::

       Dataset("meetings", fill_meetings,
               large={"meetings": 10000, "decisions": 100000}, small={"meetings": 100, "decisions": 1000}),

3. A few lines in ``SCENARIOS``::

       Scenario("meetings", "/meetings/", max_growth=1.5),
       Scenario("meeting", "/meetings/{meeting_id}"),
       Scenario("decisions-search", "/decisions/?q=отчёт", HTMX, max_queries=4),

   ``path`` may use the values your filler returned; ``headers`` e.g. ``HTMX`` for a
   fragment. A change is measured as ``method="POST"`` with ``form={...}`` (values may
   use the fillers' too); the harness adds the CSRF token of its signed-in session, and
   the same request is sent again and again, so it must save the same value each time
   (``expert-answer-save``). Targets: ``max_queries`` (default 6), ``min_ratio`` of the bare route's
   rate (default 0.1), ``max_growth``: page time large/small (default: not checked;
   1.5 for lists whose size grows with the data). ``None`` switches a target off.

Then ``python -m bench --quick --only meetings`` to try it. ``tests/bench/`` runs
every filler at its small size and resolves every scenario's path, so a broken
filler or a path naming a value no filler returns fails ``make test``.
"""
