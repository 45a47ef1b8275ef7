"""Record transcripts of the three chat front doors against the default index (not a test).

    .venv/bin/python docs/chat-transcripts.py

- docs/openai-transcript.txt: the official ``openai`` client against ``qa serve`` (gunicorn on a
  free loopback port): the model list, a plain answer, a streamed one, a follow-up conversation,
  an abstention and a bad request;
- docs/mcp-transcript.txt: the ``mcp`` SDK's client launching ``qa mcp`` over stdio: the tools
  and a call of each, with the cited span checked against ``get_document``;
- docs/chat-transcript.txt: ``qa chat`` driven through a pipe.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from qa import paths  # noqa: E402
from tests.live import live_server  # noqa: E402

DOCS = ROOT / "docs"
INDEX = paths.DEFAULT_INDEX_DIR


def openai_transcript() -> str:
    import openai

    lines = []
    with live_server(INDEX, workers=1) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        lines.append(f"# client = OpenAI(base_url='{url}/v1', api_key='unused')   (qa serve on the default index)\n")
        lines.append(">>> [m.id for m in client.models.list().data]")
        lines.append(repr([m.id for m in client.models.list().data]) + "\n")

        messages = [{"role": "user", "content": "When did fighting start?"}]
        reply = client.chat.completions.create(model="offline-qa", messages=messages, temperature=0)
        lines.append(f">>> reply = client.chat.completions.create(model='offline-qa', messages={messages}, temperature=0)")
        lines.append(">>> print(reply.choices[0].message.content)")
        lines.append(reply.choices[0].message.content)
        lines.append(">>> reply.model_extra['citations'][0]")
        lines.append(json.dumps(reply.model_extra["citations"][0], ensure_ascii=False, indent=1) + "\n")

        lines.append(">>> for chunk in client.chat.completions.create(model='offline-qa', messages=..., stream=True): "
                     "print(repr(chunk.choices[0].delta.content), chunk.choices[0].finish_reason)")
        for chunk in client.chat.completions.create(model="offline-qa", messages=messages, stream=True):
            lines.append(f"{chunk.choices[0].delta.content!r} {chunk.choices[0].finish_reason}")
        lines.append("")

        conversation = [{"role": "user", "content": "How many civilians were killed in the Ganja attack?"}]
        first = client.chat.completions.create(model="offline-qa", messages=conversation)
        conversation += [{"role": "assistant", "content": first.choices[0].message.content},
                         {"role": "user", "content": "and how many were injured?"}]
        follow = client.chat.completions.create(model="offline-qa", messages=conversation)
        lines.append(">>> # a follow-up: the whole conversation is sent")
        lines.append(f">>> {conversation[0]['content']!r} ->")
        lines.append(first.choices[0].message.content.split("\n")[0])
        lines.append(f">>> {conversation[-1]['content']!r} ->")
        lines.append(follow.choices[0].message.content + "\n")

        abstain = client.chat.completions.create(
            model="offline-qa", messages=[{"role": "user", "content": "What is the capital of Peru?"}])
        lines.append(">>> 'What is the capital of Peru?' ->")
        lines.append(abstain.choices[0].message.content + "\n")

        lines.append(">>> client.chat.completions.create(model='offline-qa', messages=[{'role': 'assistant', 'content': 'hi'}])")
        try:
            client.chat.completions.create(model="offline-qa", messages=[{"role": "assistant", "content": "hi"}])
        except openai.BadRequestError as exc:
            lines.append(f"openai.BadRequestError: {exc.status_code} {json.dumps(exc.body)}")
    return "\n".join(lines) + "\n"


def mcp_transcript() -> str:
    import anyio
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters

    lines = [f"# Client(StdioServerParameters(command='qa', args=['mcp', '--index', '{INDEX}']))\n"]

    def show(result) -> object:
        data = result.structured_content
        return data.get("result", data) if isinstance(data, dict) and set(data) == {"result"} else data

    async def run():
        params = StdioServerParameters(command=sys.executable, args=["-m", "qa.cli", "mcp", "--index", str(INDEX)],
                                       cwd=str(ROOT))
        async with Client(params, read_timeout_seconds=240) as client:
            tools = (await client.list_tools()).tools
            lines.append(">>> [t.name for t in (await client.list_tools()).tools]")
            lines.append(repr([t.name for t in tools]) + "\n")
            listed = show(await client.call_tool("list_documents", {}))
            lines.append(">>> await client.call_tool('list_documents', {})")
            lines.append(json.dumps(listed, ensure_ascii=False, indent=1) + "\n")
            doc_id = listed["documents"][0]["id"]
            answer = show(await client.call_tool("ask", {"question": "When did fighting start?"}))
            lines.append(">>> await client.call_tool('ask', {'question': 'When did fighting start?'})")
            lines.append(json.dumps({k: answer[k] for k in ("no_answer", "conversation_id")}, indent=1))
            lines.append(json.dumps(answer["answers"][0], ensure_ascii=False, indent=1))
            follow = show(await client.call_tool(
                "ask", {"question": "and how many were injured?", "conversation_id": answer["conversation_id"]}))
            lines.append(">>> await client.call_tool('ask', {'question': 'and how many were injured?', 'conversation_id': ...})")
            lines.append(json.dumps({k: follow[k] for k in ("is_followup", "retrieval_query")}, ensure_ascii=False))
            lines.append(json.dumps(follow["answers"][0]["answer"], ensure_ascii=False) + "\n")
            passages = show(await client.call_tool("search_documents", {"query": "Ganja missile attack", "k": 2}))
            lines.append(">>> await client.call_tool('search_documents', {'query': 'Ganja missile attack', 'k': 2})")
            lines.append(json.dumps([{k: p[k] for k in ("document_name", "start", "end", "score")} for p in passages],
                                    indent=1))
            text = show(await client.call_tool("get_document", {"document_id": doc_id}))["text"]
            best = answer["answers"][0]
            lines.append(f">>> text = (await client.call_tool('get_document', {{'document_id': '{doc_id}'}})).structured_content['text']")
            lines.append(f">>> text[{best['start']}:{best['end']}] == {best['answer']!r}")
            lines.append(repr(text[best["start"]:best["end"]] == best["answer"]))
            lines.append(">>> all(text[p['start']:p['end']] == p['text'] for p in passages)")
            lines.append(repr(all(text[p["start"]:p["end"]] == p["text"] for p in passages)))

    anyio.run(run)
    return "\n".join(lines) + "\n"


def chat_transcript() -> str:
    typed = "When did fighting start?\nand how many were injured?\n:sources\n:new\nWhat is the capital of Peru?\n:quit\n"
    out = subprocess.run([sys.executable, "-m", "qa.cli", "chat", "--index", str(INDEX)], input=typed,
                         capture_output=True, text=True, cwd=ROOT, timeout=300).stdout
    shown = out.replace("you> ", "you> {}\n")
    # put what was typed after each prompt, as a terminal shows it
    for line in typed.splitlines():
        shown = shown.replace("you> {}\n", f"you> {line}\n", 1)
    return f"$ printf '{typed.encode('unicode_escape').decode()}' | qa chat\n" + shown


if __name__ == "__main__":
    (DOCS / "openai-transcript.txt").write_text(openai_transcript())
    (DOCS / "mcp-transcript.txt").write_text(mcp_transcript())
    (DOCS / "chat-transcript.txt").write_text(chat_transcript())
    print("wrote docs/openai-transcript.txt, docs/mcp-transcript.txt, docs/chat-transcript.txt")
