"""The entry point the design card names: ``flask --app server run`` or ``gunicorn 'server:create_app()'``.

The app factory itself lives in the package (``qa.web.app``), so an installed wheel serves too
(``qa serve`` runs ``qa.web.app:create_app()``).
"""

from qa.web.app import create_app

__all__ = ["create_app"]
