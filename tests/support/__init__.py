"""Helpers the tests share, and bench/ with them: articles, the scripted LLM, live servers,
processes, drafts, jobs and stream parsing. No fixtures here (tests/conftest.py has them)."""
