// The chat page. Everything from the server (answers, document text, names) is put into the page
// as text nodes (textContent), never as HTML, so a document holding <script> shows up literally.
// Offsets from the server count Unicode code points (Python); JavaScript strings count UTF-16
// units, so text is sliced as arrays of code points.
"use strict";

const SESSION_KEY = "qa.session_id";
const PAGE_SIZE = 20;
const $ = (id) => document.getElementById(id);
const conversation = $("conversation");
const questionBox = $("question");
let docsOffset = 0;

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

const KEY_STORE = "qa-api-key"; // the server's API key, asked for on a 401 and kept for this tab only

async function api(path, options = {}, retried = false) {
  const key = sessionStorage.getItem(KEY_STORE);
  const headers = { ...(options.headers || {}) };
  if (key) headers.Authorization = `Bearer ${key}`;
  const response = await fetch(path, { ...options, headers });
  if (response.status === 401) {
    sessionStorage.removeItem(KEY_STORE);
    const entered = retried ? null : window.prompt("This server needs its API key for that. Key (kept for this tab only):");
    if (entered && entered.trim()) {
      sessionStorage.setItem(KEY_STORE, entered.trim());
      return api(path, options, true);
    }
  }
  if (response.status === 204) return null;
  let body = null;
  try { body = await response.json(); } catch (e) { /* not JSON */ }
  if (!response.ok) {
    const message = body && body.error ? body.error.message : `HTTP ${response.status}`;
    const error = new Error(message);
    error.status = response.status;
    throw error;
  }
  return body;
}

// text[start:end] with code-point offsets, as three strings: before, span, after.
function splitAt(text, start, end) {
  const cps = Array.from(text);
  return [cps.slice(0, start).join(""), cps.slice(start, end).join(""), cps.slice(end).join("")];
}

function highlighted(text, start, end) {
  const [before, span, after] = splitAt(text, start, end);
  const fragment = document.createDocumentFragment();
  fragment.append(document.createTextNode(before));
  const mark = el("mark", null, span);
  fragment.append(mark, document.createTextNode(after));
  return { fragment, mark };
}

function scrollToEnd() {
  window.scrollTo(0, document.body.scrollHeight);
}

function addBubble(kind, text) {
  $("empty-hint").hidden = true;
  const item = el("li", `bubble ${kind}`, text);
  conversation.append(item);
  scrollToEnd();
  return item;
}

function citation(answer) {
  const cite = el("div", "cite");
  const open = el("button", "open-source", answer.document_name);
  open.type = "button";
  open.title = `Open ${answer.document_name} at characters ${answer.start}-${answer.end}`;
  open.addEventListener("click", () => openSource(answer));
  cite.append(open, el("span", "confidence", `confidence ${Math.round(answer.score * 100)}%`));
  return cite;
}

function answerBlock(answer) {
  const block = document.createDocumentFragment();
  block.append(el("div", "answer-text", answer.answer));
  const context = el("div", "context");
  context.append(highlighted(answer.context, answer.start - answer.context_start,
                             answer.end - answer.context_start).fragment);
  block.append(context, citation(answer));
  return block;
}

function renderAnswer(item, result) {
  item.className = "bubble answer";
  item.textContent = "";
  item.dataset.noAnswer = String(result.no_answer);
  if (!result.no_answer && result.answers.length) {
    item.append(answerBlock(result.answers[0]));
  } else {
    item.append(el("div", "no-answer", "I couldn't find an answer in the documents."));
    if (result.answers.length) {
      item.append(el("div", "maybe-label", "Maybe:"));
      const list = el("ol", "maybe");
      for (const answer of result.answers.slice(0, 3)) {
        const entry = el("li");
        entry.append(answerBlock(answer));
        list.append(entry);
      }
      item.append(list);
    }
  }
  if (result.is_followup) {
    item.append(el("div", "searched", `Follow-up: searched for “${result.retrieval_query}”`));
  }
  scrollToEnd();
}

async function openSource(answer) {
  const dialog = $("source");
  const body = $("source-text");
  $("source-title").textContent = answer.document_name;
  body.textContent = "Loading…";
  if (!dialog.open) dialog.showModal();
  try {
    const doc = await api(`/api/documents/${encodeURIComponent(answer.document_id)}`);
    const { fragment, mark } = highlighted(doc.text, answer.start, answer.end);
    if (mark.textContent !== answer.answer) {
      body.textContent = "This document has changed since the answer was given.";
      return;
    }
    body.textContent = "";
    body.append(fragment);
    mark.id = "cited-span";
    mark.scrollIntoView({ block: "center" });
  } catch (error) {
    body.textContent = `Could not open the document: ${error.message}`;
  }
}

async function ask(question) {
  addBubble("question", question);
  const pending = addBubble("answer pending", "Searching the documents…");
  $("send").disabled = true;
  try {
    const payload = { question };
    const session = localStorage.getItem(SESSION_KEY);
    if (session) payload.session_id = session;
    const result = await api("/api/ask", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload),
    });
    localStorage.setItem(SESSION_KEY, result.session_id);
    renderAnswer(pending, result);
  } catch (error) {
    pending.className = "bubble error";
    pending.textContent = error.message;
  } finally {
    $("send").disabled = false;
    questionBox.focus();
  }
}

async function restoreSession() {
  const session = localStorage.getItem(SESSION_KEY);
  if (!session) return;
  try {
    const data = await api(`/api/sessions/${encodeURIComponent(session)}`);
    for (const turn of data.turns) {
      addBubble("question", turn.question);
      renderAnswer(addBubble("answer", ""), { ...turn.result, is_followup: turn.is_followup,
                                             retrieval_query: turn.retrieval_query });
    }
  } catch (error) {
    if (error.status === 404) localStorage.removeItem(SESSION_KEY);
  }
}

async function newChat() {
  const session = localStorage.getItem(SESSION_KEY);
  localStorage.removeItem(SESSION_KEY);
  conversation.textContent = "";
  $("empty-hint").hidden = false;
  questionBox.focus();
  if (session) {
    try { await api(`/api/sessions/${encodeURIComponent(session)}`, { method: "DELETE" }); } catch (e) { /* gone */ }
  }
}

async function loadDocuments() {
  const list = $("doc-list");
  try {
    const data = await api(`/api/documents?limit=${PAGE_SIZE}&offset=${docsOffset}`);
    list.textContent = "";
    if (!data.documents.length) list.append(el("li", "hint", "No documents yet."));
    for (const doc of data.documents) {
      const item = el("li");
      item.dataset.id = doc.id;
      const name = el("span", "doc-name", doc.name);
      name.title = `${doc.chunks} chunks · id ${doc.id}`;
      const view = el("button", "view-doc", "View");
      view.type = "button";
      view.setAttribute("aria-label", `View ${doc.name}`);
      view.addEventListener("click", () => viewDocument(doc));
      const remove = el("button", "delete-doc", "Delete");
      remove.type = "button";
      remove.setAttribute("aria-label", `Delete ${doc.name}`);
      remove.addEventListener("click", () => deleteDocument(doc));
      item.append(name, view, remove);
      list.append(item);
    }
    const last = Math.min(data.offset + data.documents.length, data.total);
    $("docs-page").textContent = data.total ? `${data.offset + 1}–${last} of ${data.total}` : "";
    $("docs-prev").disabled = data.offset === 0;
    $("docs-next").disabled = last >= data.total;
  } catch (error) {
    list.textContent = "";
    list.append(el("li", "hint", `Could not list documents: ${error.message}`));
  }
}

async function viewDocument(doc) {
  const dialog = $("source");
  $("source-title").textContent = doc.name;
  $("source-text").textContent = "Loading…";
  if (!dialog.open) dialog.showModal();
  try {
    const full = await api(`/api/documents/${encodeURIComponent(doc.id)}`);
    $("source-text").textContent = full.text;
  } catch (error) {
    $("source-text").textContent = `Could not open the document: ${error.message}`;
  }
}

async function deleteDocument(doc) {
  if (!window.confirm(`Delete “${doc.name}” from the index?`)) return;
  try {
    await api(`/api/documents/${encodeURIComponent(doc.id)}`, { method: "DELETE" });
    $("upload-status").textContent = `Deleted ${doc.name}.`;
  } catch (error) {
    $("upload-status").textContent = `Could not delete: ${error.message}`;
  }
  loadDocuments();
}

async function upload(event) {
  event.preventDefault();
  const input = $("upload-file");
  if (!input.files.length) return;
  const form = new FormData();
  form.append("file", input.files[0]);
  const status = $("upload-status");
  status.textContent = `Indexing ${input.files[0].name}…`;
  $("upload").disabled = true;
  try {
    const added = await api("/api/documents", { method: "POST", body: form });
    status.textContent = added.status === "unchanged"
      ? `${added.name} was already indexed.` : `Added ${added.name} (${added.chunks} chunks).`;
    input.value = "";
    loadDocuments();
  } catch (error) {
    status.textContent = `Upload failed: ${error.message}`;
  } finally {
    $("upload").disabled = false;
  }
}

$("ask-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const question = questionBox.value.trim();
  if (!question || $("send").disabled) return;
  questionBox.value = "";
  ask(question);
});
questionBox.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $("ask-form").requestSubmit();
  }
});
$("new-chat").addEventListener("click", newChat);
$("toggle-docs").addEventListener("click", () => {
  const panel = $("docs");
  panel.hidden = !panel.hidden;
  $("toggle-docs").setAttribute("aria-expanded", String(!panel.hidden));
  if (!panel.hidden) loadDocuments();
});
$("upload-form").addEventListener("submit", upload);
$("docs-prev").addEventListener("click", () => { docsOffset = Math.max(0, docsOffset - PAGE_SIZE); loadDocuments(); });
$("docs-next").addEventListener("click", () => { docsOffset += PAGE_SIZE; loadDocuments(); });
$("source-close").addEventListener("click", () => $("source").close());

restoreSession();
questionBox.focus();
