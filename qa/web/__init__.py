"""The HTTP side: JSON API, health and metrics, and the chat page (blueprints for ``server.py``)."""
