"""Plain functions behind the stage entry points; importable and testable without DVC."""
