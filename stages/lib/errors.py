"""Errors that are the user's to fix: they are reported as one line, without a traceback."""


class UserError(Exception):
    """Bad configuration or input data. The message names the cause and what to change."""


class ConfigError(UserError):
    """A params.yaml section does not match its schema."""


class DataError(UserError):
    """Input recordings or windows cannot be used as configured."""


class ParityError(UserError):
    """The parity gate failed: a backend pair disagrees beyond its tolerance."""


class ModelError(UserError):
    """An exported model cannot run where it is meant to be deployed."""
