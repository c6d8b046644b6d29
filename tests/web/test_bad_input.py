"""Bad input from an outside attacker (round 8) gets a 4xx that says why, never a 500: malformed JSON bodies on
our routes and Chainlit's, unknown chat session ids, /set-session-cookie with no object, odd static-file names.
One server for the whole sweep; after it, the same server still answers normal requests."""

from __future__ import annotations

import json

import httpx

DEEP = b'{"a":' * 3000 + b"1" + b"}" * 3000
BODIES = {
    "deep": DEEP,
    "deep-list": b"[" * 3000 + b"]" * 3000,
    "surrogate": b'"\\ud800"',
    "surrogate-in-object": b'{"threadId":"\\ud800","feedbackId":"\\ud800","sessionId":"\\ud800","confirm":true}',
    "not-utf8": b"\xff\xfe",
    "unclosed": b"{",
}
JSON_ROUTES = [
    ("POST", "/project/threads"), ("PUT", "/project/thread"), ("DELETE", "/project/thread"),
    ("PUT", "/project/thread/share"), ("POST", "/project/action"), ("PUT", "/project/element"),
    ("DELETE", "/project/element"), ("POST", "/mcp"), ("DELETE", "/mcp"), ("PUT", "/feedback"),
    ("DELETE", "/feedback"), ("POST", "/pulsepal/delete-all"), ("POST", "/set-session-cookie"), ("POST", "/query"),
]
UNKNOWN_CHAT = {
    ("POST", "/project/action"): {"sessionId": "no-such-chat", "action": {"name": "download", "payload": {},
                                                                          "forId": "x", "id": "y"}},
    ("PUT", "/project/element"): {"sessionId": "no-such-chat", "element": {"type": "custom", "id": "e"}},
    ("DELETE", "/project/element"): {"sessionId": "no-such-chat", "element": {"type": "custom", "id": "e"}},
}


def _status(http: httpx.Client, method: str, path: str, body: bytes, content_type="application/json") -> int:
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        return http.request(method, path, content=body, headers=headers).status_code
    except httpx.TransportError:  # the server dropped the connection: no answer at all is no 4xx either
        return -1


async def test_bad_input_is_a_4xx_and_the_server_still_serves(site):
    own, client = await site.conversation("alice", "How do I make a trapezoid gradient?")
    await client.close()
    routes = JSON_ROUTES + [("POST", f"/pulsepal/pins/{own}")]
    wrong: list[str] = []
    with site.http("alice") as alice, httpx.Client(base_url=site.base, timeout=20) as anonymous:
        for method, path in routes:
            for name, body in BODIES.items():
                for content_type in ("application/json", None):
                    if content_type is None and path == "/query":
                        continue  # an untyped body is the question's text there
                    status = _status(alice, method, path, body, content_type)
                    if not 400 <= status < 500:
                        wrong.append(f"{method} {path} {name} {content_type}: {status}")
        for (method, path), body in UNKNOWN_CHAT.items():
            status = _status(alice, method, path, json.dumps(body).encode())
            if status != 404:
                wrong.append(f"{method} {path} unknown sessionId: {status}")
        for body in (b"[]", b"null", b'"x"', b"7", b'{"session_id": 5}', b""):
            status = _status(alice, "POST", "/set-session-cookie", body)
            if status != 400:
                wrong.append(f"set-session-cookie {body!r}: {status}")
        for path in ("/public/a%00b", "/public/" + "x" * 5000, "/public/%00", "/avatars/" + "x" * 5000):
            status = _status(anonymous, "GET", path, b"", None)
            if status != 404:
                wrong.append(f"GET {path[:40]}: {status}")
        assert not wrong, "\n".join(wrong)
        detail = alice.post(f"/pulsepal/pins/{own}", content=DEEP, headers={"Content-Type": "application/json"})
        assert "nested too deep" in detail.json()["detail"]
        # the same server, normal requests: nothing was refused that should not be
        assert alice.post(f"/pulsepal/pins/{own}", json={"pinned": True}).json()["pinned"]
        assert own in [t["id"] for t in alice.post("/project/threads", json={"pagination": {"first": 5},
                                                                            "filter": {}}).json()["data"]]
        assert alice.post("/set-session-cookie", json={"session_id": "abc"}).status_code == 200
        assert anonymous.get("/public/pulsepal.js").status_code == 200
    # a chat that is open: its sessionId passes (Chainlit's handler looks for the action), so only unknown ids
    # are refused
    chat = site.chat("alice")
    await chat.connect()
    try:
        with site.http("alice") as alice:
            response = alice.post("/project/action", json={"sessionId": chat.session_id, "action": {
                "name": "no-such-action", "payload": {}, "forId": "x", "id": "y"}})
            assert "No callback found" in response.json()["detail"], response.text  # Chainlit's handler ran
    finally:
        await chat.close()
