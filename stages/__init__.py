"""DVC stage entry points (``python -m stages.<name>``) and their library, :mod:`stages.lib`."""
