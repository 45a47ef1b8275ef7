"""The MCP server through the SDK's own client over stdio (`qa mcp` as an agent launches it):
list the tools, call each, and check each cited span against get_document's text."""

from __future__ import annotations

import json
import os
import sys

import anyio

from tests.conftest import DEMO_QUESTION, PROJECT_ROOT


def _structured(result):
    assert not result.is_error, result.content
    return result.structured_content if result.structured_content is not None else json.loads(result.content[0].text)


def _session(sample_index, tmp_path):
    from mcp.client.stdio import StdioServerParameters

    return StdioServerParameters(
        command=sys.executable, args=["-m", "qa.cli", "mcp", "--index", str(sample_index),
                                      "--sessions-db", str(tmp_path / "sessions.sqlite3")],
        cwd=str(PROJECT_ROOT), env={k: v for k, v in os.environ.items() if k.startswith(("QA_", "HF_", "PATH"))})


def test_every_tool_over_stdio_with_verifiable_offsets(sample_index, tmp_path):
    from mcp import Client

    async def scenario():
        async with Client(_session(sample_index, tmp_path), read_timeout_seconds=240) as client:
            tools = {t.name for t in (await client.list_tools()).tools}
            assert tools == {"ask", "search_documents", "list_documents", "get_document"}

            listed = _structured(await client.call_tool("list_documents", {}))
            assert listed["total"] == 1
            document_id = listed["documents"][0]["id"]
            text = _structured(await client.call_tool("get_document", {"document_id": document_id}))["text"]

            answer = _structured(await client.call_tool("ask", {"question": DEMO_QUESTION}))
            best = answer["answers"][0]
            assert answer["no_answer"] is False and "September 27" in best["answer"]
            assert text[best["start"]:best["end"]] == best["answer"]

            follow = _structured(await client.call_tool(
                "ask", {"question": "and how many were injured?", "conversation_id": answer["conversation_id"]}))
            assert follow["is_followup"] is True and follow["conversation_id"] == answer["conversation_id"]
            assert follow["retrieval_query"].startswith(DEMO_QUESTION)

            passages = _structured(await client.call_tool("search_documents", {"query": "Ganja missile attack", "k": 2}))
            passages = passages["result"] if isinstance(passages, dict) else passages
            assert 1 <= len(passages) <= 2
            for p in passages:
                assert p["document_id"] == document_id and text[p["start"]:p["end"]] == p["text"]

            missing = await client.call_tool("get_document", {"document_id": "nope"})
            assert missing.is_error and "no document with id 'nope'" in missing.content[0].text
            empty = await client.call_tool("ask", {"question": "  "})
            assert empty.is_error and "empty" in empty.content[0].text

    anyio.run(scenario)


def test_qa_mcp_refuses_a_missing_index(tmp_path):
    from tests.conftest import run_qa

    result = run_qa("mcp", "--index", str(tmp_path / "none"), timeout=60)
    assert result.returncode == 1 and "no index in" in result.stderr and "Traceback" not in result.stderr


def test_streamable_http_serves_the_same_tools(sample_index, tmp_path):
    """`qa mcp --http` on a free loopback port, reached with the SDK's client; stopped afterwards."""
    import subprocess
    import time

    from mcp import Client

    from tests.live import free_port

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "qa.cli", "mcp", "--http", "--port", str(port), "--index",
                               str(sample_index), "--sessions-db", str(tmp_path / "s.sqlite3")],
                              cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    async def scenario():
        async with Client(f"http://127.0.0.1:{port}/mcp", read_timeout_seconds=120) as client:
            assert {t.name for t in (await client.list_tools()).tools} == {
                "ask", "search_documents", "list_documents", "get_document"}
            assert _structured(await client.call_tool("list_documents", {}))["total"] == 1

    try:
        deadline = time.monotonic() + 60
        while True:  # until the port answers
            try:
                anyio.run(scenario)
                break
            except Exception:  # noqa: BLE001 - not listening yet
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
