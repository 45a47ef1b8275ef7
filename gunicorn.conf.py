"""``gunicorn -c gunicorn.conf.py 'server:create_app()'`` in a checkout: the settings live in the package."""

from qa.web.gunicorn_conf import *  # noqa: F401,F403
