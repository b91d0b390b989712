"""Ingest: turning a URL, a page or a feed into articles to brief, without a web framework.

`page.py` reads a page's article (text and metadata), `fetch.py` fetches pages and feeds
behind an SSRF guard (`_guard.py`) with a revalidation cache, and `feeds.py` parses RSS and
Atom. Nothing here imports Litestar, the web layer, the jobs or the LLM (pyproject's
import-linter contract); Redis is reached only through service/store/fetches.py.
"""
