"""`python -m service serve | brief FILE` — see README for settings."""

from __future__ import annotations

from service.cli import main

raise SystemExit(main())
