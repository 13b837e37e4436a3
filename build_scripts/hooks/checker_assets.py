"""MkDocs hook: after every build, put self-hosted Pyodide and the checker wheel into the site.

Registered in mkdocs.yml (``hooks:``), so ``mkdocs build``, ``build_scripts/build_site.py`` and ``mkdocs serve``
all give a site whose checker page works. The work is build_scripts/pyodide_assets.py (see its docstring); the
wheel is rebuilt only when checker/ or policy_data/ changed, and files already in place are not copied again.

It runs last (priority -300), after the i18n plugin's post-build (which builds the other languages into the same
folder) and after the page hook's clean-up; MkDocs' own build cleans the folder first, so this runs on a complete
site every time.
"""

from __future__ import annotations

import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority, get_plugin_logger

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import pyodide_assets  # noqa: E402  (build_scripts/pyodide_assets.py)

log = get_plugin_logger("checker_assets")


@event_priority(-300)
def on_post_build(config) -> None:
    try:
        manifest = pyodide_assets.install(Path(config.site_dir), quiet=True)
    except pyodide_assets.AssetsError as exc:
        raise PluginError(f"checker assets: {exc}") from exc
    log.debug(f"Pyodide {manifest['pyodide_version']}, checker {manifest['checker_version']}")
