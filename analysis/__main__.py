"""``python -m analysis`` runs the command-line interface (see docs/cli.md)."""
from .cli import run

run()
