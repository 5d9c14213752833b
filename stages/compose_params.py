"""Compose ``conf/`` into ``params.yaml`` exactly as ``dvc exp run`` does (DVC's own Hydra helper).

Run after editing ``conf/`` when you use plain ``dvc repro``:  python -m stages.compose_params [override ...]
"""

import sys
from pathlib import Path

from dvc.utils.hydra import compose_and_dump

CONF_DIR = Path("conf")
PARAMS = Path("params.yaml")


def compose(output: Path = PARAMS, overrides: list[str] | None = None, conf_dir: Path = CONF_DIR) -> None:
    compose_and_dump(output, str(conf_dir.resolve()), None, "config", str(Path(".dvc/hydra_plugins")),
                     list(overrides or []))


if __name__ == "__main__":
    compose(overrides=sys.argv[1:])
