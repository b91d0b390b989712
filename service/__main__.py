"""`python -m service serve | brief PATH... | eval` — see README for settings."""

from __future__ import annotations

from service.cli.commands import main

raise SystemExit(main())
