"""gunicorn settings for production: ``gunicorn -c deploy/gunicorn.conf.py wsgi:app``.

Calendar feed URLs carry a secret token in the path (/calendar/feed/<token>/...):
the logger class below writes them as /calendar/feed/[redacted]/... in the access
and error logs. Everything here may be overridden on the command line.
"""

import os
import sys

from cluster_intranet.calendar.redaction import GunicornLogger
from cluster_intranet.documents import office

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "4"))
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")  # "-": standard output
errorlog = os.environ.get("GUNICORN_ERROR_LOG", "-")
# The combined format; %(r)s and %(U)s have the feed token hidden by the logger class.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
logger_class = GunicornLogger

# --- workers and timeouts (README, "Deployment") ---------------------------------------
# Threads keep a worker answering while one of its requests waits on the database or
# on LibreOffice (PDF copies).
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A worker silent for longer is restarted: above the slowest honest request, a PDF copy
# (DOCUMENTS_PDF_TIMEOUT, 60 s); nginx waits 100 s (deploy/nginx/proxy-params.conf).
timeout = 90
graceful_timeout = 30  # on restart, requests in progress get this long to finish
keepalive = 5  # nginx keeps its connections to gunicorn open (upstream keepalive)
# Workers are replaced now and then, so a slow leak in a library never grows for ever.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine: its X-Forwarded-Proto says the request came over https.
forwarded_allow_ips = "127.0.0.1"


# --- each worker: the login limit's counters, LibreOffice --------------------------------
def post_worker_init(worker):
    """Each worker as it starts. Several workers counting login attempts each in its own
    memory would let through as many times more guesses: with memory:// and more than one
    worker, refuse to start (set RATELIMIT_STORAGE_URI=redis://…, README «Deployment»).
    Then LibreOffice for PDF copies starts, in the background (documents/office.py): the
    first PDF after a (re)start need not wait 5–10 s for it, nor the worker's start."""
    app = worker.wsgi
    config = getattr(app, "config", {})
    storage = config.get("RATELIMIT_STORAGE_URI", "memory://")
    if worker.cfg.workers > 1 and storage.startswith("memory://") and config.get("RATELIMIT_ENABLED", True):
        worker.log.error(
            "RATELIMIT_STORAGE_URI is %s with %d workers: each would count login attempts apart. "
            "Set RATELIMIT_STORAGE_URI=redis://127.0.0.1:6379/0 or run one worker.",
            storage,
            worker.cfg.workers,
        )
        sys.exit(3)  # gunicorn's WORKER_BOOT_ERROR: the arbiter stops instead of retrying
    office.warm_up_in_background(config)
