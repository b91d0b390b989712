"""Signing in to the pages with keys on (issue 23, item 6): a form takes the key once, a
cookie carries the session; it reads, never writes. In Chromium: tests/system/test_sign_in.py.
Redirects are not followed here (`STAY`): the test reads each one."""

from __future__ import annotations

from typing import Any

import redis

from tests.support.drafts import good_draft
from tests.support.live import ClientFactory
from tests.support.scripted_llm import Reply, ScriptedLLM

ALICE = "alice-secret-0123456789"
KEYS = (f"alice:{ALICE}",)
FORM = {"content-type": "application/x-www-form-urlencoded"}
STAY: dict[str, Any] = {"follow_redirects": False}


async def test_a_page_sends_a_browser_to_sign_in_and_the_session_only_reads(
    make_client: ClientFactory, llm: ScriptedLLM, seed: dict[str, Any], redis_client: redis.Redis
) -> None:
    llm.reset(default=Reply(arguments=good_draft()))
    async with make_client(api_keys=KEYS) as client:
        made = await client.post("/v1/briefings", json=seed, headers={"X-API-Key": ALICE})
        page = f"/briefings/{made.json()['id']}"
        away = await client.get(page, **STAY)
        assert away.status_code == 303
        assert away.headers["location"] == f"/login?next=%2Fbriefings%2F{made.json()['id']}"
        form = await client.get(away.headers["location"])
        assert form.status_code == 200 and 'type="password"' in form.text
        assert "form-action 'self'" in form.headers["content-security-policy"]
        wrong = await client.post("/login", content=f"key=nope&next={page}", headers=FORM)
        assert wrong.status_code == 401 and "not valid" in wrong.text
        assert "set-cookie" not in wrong.headers
        signed = await client.post(
            "/login", content=f"key={ALICE}&next={page}", headers=FORM, **STAY
        )
        assert (signed.status_code, signed.headers["location"]) == (303, page)
        cookie = signed.headers["set-cookie"]
        for flag in ("HttpOnly", "SameSite=strict", "Path=/", "Max-Age=28800"):
            assert flag in cookie, cookie
        assert ALICE not in cookie
        token = cookie.split(";")[0].split("=", 1)[1]
        # Redis keeps the token's digest, never the token or the key
        stored = [k.decode() for k in redis_client.keys("gb:session:*")]
        assert len(stored) == 1 and token not in stored[0]
        assert redis_client.get(stored[0]) == b"alice"
        session = {"Cookie": f"gb_session={token}"}
        assert (await client.get(page, headers=session)).status_code == 200
        assert (await client.get(f"/v1/briefings/{made.json()['id']}", headers=session)).is_success
        # it reads, never writes: a POST with the cookie alone is a 401
        posted = await client.post("/v1/briefings", json=seed, headers=session)
        assert posted.status_code == 401
        out = await client.post("/logout", headers=session, **STAY)
        assert out.status_code == 303 and 'gb_session=""' in out.headers["set-cookie"]
        assert (await client.get(page, headers=session, **STAY)).status_code == 303
        assert not redis_client.keys("gb:session:*")


async def test_sign_in_refuses_other_sites_and_never_redirects_off_site(
    make_client: ClientFactory,
) -> None:
    async with make_client(api_keys=KEYS) as client:
        forged = await client.post(
            "/login",
            content=f"key={ALICE}&next=/jobs/x",
            headers=FORM | {"Origin": "https://evil.example"},
        )
        assert forged.status_code == 403 and "set-cookie" not in forged.headers
        assert "another site" in forged.text
        for target in ("//evil.example/x", "https://evil.example/", "/\\evil.example"):
            signed = await client.post(
                "/login", data={"key": ALICE, "next": target}, headers=FORM, **STAY
            )
            assert signed.status_code == 303, (target, signed.text[:300])
            assert signed.headers["location"] == "/schema/redoc", target
