"""Load one section of ``params.yaml`` and validate it against a typed dataclass schema.

Schemas are plain dataclasses. Each may define ``check(self, key: str)`` for value checks that types
cannot express; it raises :class:`ConfigError` through :func:`require`. Every message names the
offending key as a dotted path, so the user knows exactly what to change.
"""

from __future__ import annotations

import dataclasses
import difflib
import types
from pathlib import Path
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

import yaml

from stages.lib.errors import ConfigError

PARAMS_FILE = Path("params.yaml")
T = TypeVar("T")


def require(condition: bool, key: str, message: str) -> None:
    """Raise a :class:`ConfigError` about ``key`` unless ``condition`` holds."""
    if not condition:
        raise ConfigError(f"{key}: {message}")


def load_section(name: str, schema: type[T] | dict[str, type], params_file: Path = PARAMS_FILE) -> T:
    """Read section ``name`` of ``params_file`` and return it parsed into ``schema``.

    ``schema`` may map the section's ``name`` key to one schema per variant (as for config groups
    such as ``model=cnn`` / ``model=eegnet``).
    """
    try:
        raw = yaml.safe_load(Path(params_file).read_text())
    except FileNotFoundError:
        raise ConfigError(f"{params_file} not found; run from the project root") from None
    except yaml.YAMLError as err:
        raise ConfigError(f"{params_file} is not valid YAML ({str(err).splitlines()[0]})") from None
    if not isinstance(raw, dict) or name not in raw:
        raise ConfigError(f"{params_file} has no '{name}' section; recompose it from conf/ (see README)")
    if isinstance(schema, dict):
        return parse_variant(schema, raw[name], name)
    return parse(schema, raw[name], name)


def parse_variant(variants: dict[str, type], value: Any, key: str) -> Any:
    """Parse ``value`` with the schema that its ``name`` key selects."""
    require(isinstance(value, dict), key, f"must be a mapping, got {_kind(value)}")
    require(value.get("name") in variants, f"{key}.name",
            f"must be one of {', '.join(map(repr, variants))}, got {value.get('name')!r}")
    return parse(variants[value["name"]], value, key)


def parse(tp: Any, value: Any, key: str) -> Any:
    """Convert ``value`` to type ``tp``, raising :class:`ConfigError` naming ``key`` on mismatch."""
    if dataclasses.is_dataclass(tp):
        return _parse_dataclass(tp, value, key)
    origin, args = get_origin(tp), get_args(tp)
    if origin is Literal:
        require(value in args, key, f"must be one of {', '.join(map(repr, args))}, got {value!r}")
        return value
    if origin in (Union, types.UnionType):
        if value is None:
            require(type(None) in args, key, "must not be empty")
            return None
        (inner,) = [a for a in args if a is not type(None)]
        return parse(inner, value, key)
    if origin is list:
        require(isinstance(value, list), key, f"must be a list, got {_kind(value)}")
        return [parse(args[0], item, f"{key}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        require(isinstance(value, dict), key, f"must be a mapping, got {_kind(value)}")
        return {parse(args[0], k, key): parse(args[1], v, f"{key}.{k}") for k, v in value.items()}
    if tp is float:
        require(isinstance(value, (int, float)) and not isinstance(value, bool), key,
                f"must be a number, got {_kind(value)}")
        return float(value)
    if tp in (int, bool, str):
        require(type(value) is tp, key, f"must be {tp.__name__}, got {_kind(value)}")
        return value
    raise TypeError(f"schema type {tp!r} at {key} is not supported")


def _parse_dataclass(tp: type, value: Any, key: str) -> Any:
    require(isinstance(value, dict), key, f"must be a mapping, got {_kind(value)}")
    known = {f.name: f for f in dataclasses.fields(tp)}
    for name in value:
        if name not in known:
            close = difflib.get_close_matches(str(name), known, n=1)
            hint = f"did you mean '{key}.{close[0]}'?" if close else f"known keys: {', '.join(known)}"
            raise ConfigError(f"{key}.{name}: unknown key; {hint}")
    hints = get_type_hints(tp)
    kwargs = {}
    for name, field in known.items():
        if name in value:
            kwargs[name] = parse(hints[name], value[name], f"{key}.{name}")
        else:
            no_default = field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING
            require(not no_default, f"{key}.{name}", "missing required key")
    obj = tp(**kwargs)
    if hasattr(obj, "check"):
        obj.check(key)
    return obj


def _kind(value: Any) -> str:
    return f"{type(value).__name__} {value!r}" if not isinstance(value, (dict, list)) else type(value).__name__
