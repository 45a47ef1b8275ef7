"""The production server (gunicorn, 2 workers) on loopback: documents added in one worker are
answerable in every worker, metrics add up across workers, and the chat page works in a real
browser (headless Chromium).

The browser test is skipped when Chromium or ChromeDriver is missing (``.ci/run`` installs both).
Set ``QA_SAVE_SCREENSHOT=1`` to refresh ``docs/chat-page.png``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import DEMO_QUESTION, PROJECT_ROOT
from tests.live import lines_of

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
HAVE_BROWSER = bool(CHROMIUM and CHROMEDRIVER)
if not HAVE_BROWSER and os.environ.get("QA_REQUIRE_BROWSER") == "1":
    raise RuntimeError("QA_REQUIRE_BROWSER=1 but chromium/chromedriver are missing (scripts/install-browser.sh)")
needs_browser = pytest.mark.skipif(not HAVE_BROWSER,
                                   reason="needs Debian's chromium and chromium-driver (scripts/install-browser.sh)")

UPLOAD_TEXT = (
    "Harbour notes\n\nThe Zelbrook lighthouse was built in 1847 by the engineer Marta Kovac. "
    "It stands on the northern breakwater.\n\n"
    '<script>window.__pwned = 1</script> <img src="x" onerror="window.__pwned = 2"> <b>not bold</b>\n'
)


@pytest.fixture(scope="module")
def server_url(sample_index, tmp_path_factory):
    from tests.live import live_server

    index = tmp_path_factory.mktemp("browser-index")
    shutil.copytree(sample_index, index, dirs_exist_ok=True)
    instance = tmp_path_factory.mktemp("browser-instance")
    # no question rate limit here: these tests ask in quick bursts (tests/test_rate_limit.py tests it)
    with live_server(index, workers=2, instance_dir=instance, log_path=instance / "server.log",
                     env={"QA_ASK_RATE_LIMIT": ""}) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--window-size=1200,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _wait(driver, condition, timeout=120):
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.2).until(condition)


def _ask(driver, question: str):
    """Type the question, press Enter, return the finished answer bubble."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    before = len(driver.find_elements(By.CSS_SELECTOR, "#conversation .bubble.answer, #conversation .bubble.error"))
    box = driver.find_element(By.ID, "question")
    box.send_keys(question)
    box.send_keys(Keys.ENTER)

    def finished(d):
        bubbles = d.find_elements(By.CSS_SELECTOR, "#conversation > li.bubble:not(.question)")
        done = [b for b in bubbles if "pending" not in b.get_attribute("class")]
        return done[-1] if len(done) > before else False

    bubble = _wait(driver, finished)
    assert "error" not in bubble.get_attribute("class"), bubble.text
    return bubble


def _call(url: str, method: str = "GET", payload: dict | None = None):
    data = json.dumps(payload).encode() if payload is not None else None
    request = urllib.request.Request(url, data=data, method=method,
                                     headers={"Content-Type": "application/json"} if data else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
        return response.status, json.loads(body) if body and response.headers.get_content_type() == "application/json" \
            else body.decode()


def _ask_count(metrics: str) -> float:
    return sum(float(v) for v in re.findall(
        r'^qa_http_requests_total\{endpoint="/api/ask",method="POST",status="200"\} (\S+)$', metrics, re.M))


def test_a_document_added_in_one_worker_is_answerable_in_every_worker(server_url):
    question = "What colour is the Tervani ferry?"
    status, doc = _call(f"{server_url}/api/documents", "POST",
                        {"name": "ferry.txt", "text": "Ferry notes\n\nThe Tervani ferry is painted bright green.\n"})
    assert status == 201
    before = _ask_count(_call(f"{server_url}/metrics")[1])
    for _ in range(8):  # new connections: the kernel spreads them over both workers
        status, body = _call(f"{server_url}/api/ask", "POST", {"question": question})
        assert status == 200
        assert body["answers"][0]["document_id"] == doc["id"] and "green" in body["answers"][0]["answer"]
    assert _ask_count(_call(f"{server_url}/metrics")[1]) - before == 8  # counted across workers
    assert _call(f"{server_url}/api/documents/{doc['id']}", "DELETE")[0] == 204
    for _ in range(4):
        body = _call(f"{server_url}/api/ask", "POST", {"question": question})[1]
        assert all(a["document_id"] != doc["id"] for a in body["answers"])


def test_qa_serve_prints_its_url_and_serves_the_page(sample_index, tmp_path):
    from tests.live import folder_of_a_process, free_port

    port = free_port()
    server_tmp = tmp_path / "tmp"
    server_tmp.mkdir()
    _, orphaned = folder_of_a_process(server_tmp)  # as a SIGKILLed server leaves it
    env = {**os.environ, "QA_SESSIONS_DB": str(tmp_path / "sessions.sqlite3"), "QA_ACCESS_LOG": "/dev/null",
           "TMPDIR": str(server_tmp)}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "serve", "--index", str(sample_index), "--port", str(port), "--workers", "1"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, start_new_session=True,
    )
    try:
        assert f"http://127.0.0.1:{port}/" in (lines_of(proc.stdout).get(timeout=60) or "")
        deadline = time.monotonic() + 120
        while True:
            assert proc.poll() is None and time.monotonic() < deadline, "qa serve did not become ready"
            try:
                if _call(f"http://127.0.0.1:{port}/health")[0] == 200:
                    break
            except (urllib.error.URLError, ConnectionError):
                pass
            time.sleep(0.5)
        status, page = _call(f"http://127.0.0.1:{port}/")
        assert status == 200 and "Ask your documents" in page
        metrics_folders = list(server_tmp.glob("qa-metrics-*"))
        assert len(metrics_folders) == 1 and str(metrics_folders[0]) != orphaned  # the workers' own, made anew
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    assert proc.returncode == 0
    assert not list(server_tmp.glob("qa-metrics-*"))  # a clean stop removes it


@needs_browser
def test_chat_page_end_to_end(server_url, browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as EC

    browser.get(server_url + "/")
    assert browser.title.startswith("Ask your documents")

    # 1. The demo question: the span is highlighted inside its sentence, with a citation.
    answer = _ask(browser, DEMO_QUESTION)
    mark = answer.find_element(By.CSS_SELECTOR, ".context mark")
    assert "September 27" in mark.text
    cite = answer.find_element(By.CSS_SELECTOR, ".cite .open-source")
    assert cite.text == "azerbaijan-armenia-pause-in-fighting.txt"
    assert "confidence" in answer.find_element(By.CSS_SELECTOR, ".cite").text

    # 2. The citation opens the source with the same span highlighted and scrolled into view.
    cite.click()
    cited = _wait(browser, EC.visibility_of_element_located((By.ID, "cited-span")))
    assert cited.text == mark.text
    in_view = browser.execute_script(
        "const r = arguments[0].getBoundingClientRect(), box = document.getElementById('source-text')"
        ".getBoundingClientRect(); return r.top >= box.top && r.bottom <= box.bottom;", cited)
    assert in_view
    source_text = browser.find_element(By.ID, "source-text").text
    assert "fighting broke out" in source_text
    browser.find_element(By.ID, "source-text").send_keys(Keys.ESCAPE)  # keyboard closes the dialog
    _wait(browser, lambda d: not d.execute_script("return document.getElementById('source').open"), 10)

    # 3. A follow-up is resolved with the conversation (retrieval searches with the topic question).
    _ask(browser, "How many civilians were killed in the Ganja attack?")
    followup = _ask(browser, "and how many were injured?")
    searched = followup.find_element(By.CSS_SELECTOR, ".searched").text.lower()
    assert "ganja attack" in searched and "how many were injured" in searched
    assert "50" in followup.text  # "more than 50" as the answer or among the "maybe" candidates
    if os.environ.get("QA_SAVE_SCREENSHOT"):
        browser.set_window_size(1200, 1500)
        browser.save_screenshot(str(PROJECT_ROOT / "docs" / "chat-page.png"))
        browser.set_window_size(1200, 900)

    # 4. The history stays when the page reloads (the session id lives in the browser).
    count = len(browser.find_elements(By.CSS_SELECTOR, "#conversation > li.bubble"))
    browser.refresh()
    _wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#conversation > li.bubble")) == count, 30)

    # 5. Upload a document from the page and ask about it; its HTML is shown as text.
    browser.find_element(By.ID, "toggle-docs").click()
    upload = tmp_path / "harbour-notes.txt"
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    browser.find_element(By.ID, "upload-file").send_keys(str(upload))
    browser.find_element(By.ID, "upload").click()
    _wait(browser, EC.text_to_be_present_in_element((By.ID, "upload-status"), "Added harbour-notes.txt"), 120)
    _wait(browser, EC.text_to_be_present_in_element((By.ID, "doc-list"), "harbour-notes.txt"), 10)
    built = _ask(browser, "When was the Zelbrook lighthouse built?")
    assert "1847" in built.text
    assert "harbour-notes.txt" in built.text

    row = browser.find_element(By.XPATH, "//ul[@id='doc-list']/li[span[text()='harbour-notes.txt']]")
    row.find_element(By.CSS_SELECTOR, ".view-doc").click()
    _wait(browser, EC.text_to_be_present_in_element((By.ID, "source-text"), "window.__pwned"), 10)
    shown = browser.find_element(By.ID, "source-text")
    assert '<script>window.__pwned = 1</script>' in shown.text
    assert '<img src="x" onerror="window.__pwned = 2">' in shown.text
    assert shown.find_elements(By.CSS_SELECTOR, "script, img, b") == []
    assert browser.execute_script("return window.__pwned === undefined")
    browser.find_element(By.ID, "source-close").click()

    # 6. Delete it from the list (after confirming).
    row = browser.find_element(By.XPATH, "//ul[@id='doc-list']/li[span[text()='harbour-notes.txt']]")
    row.find_element(By.CSS_SELECTOR, ".delete-doc").click()
    _wait(browser, EC.alert_is_present(), 10).accept()
    _wait(browser, lambda d: "harbour-notes.txt" not in d.find_element(By.ID, "doc-list").text, 30)

    # 7. Phone width: nothing overflows sideways.
    browser.set_window_size(390, 844)
    assert browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_openai_client_against_the_real_server(server_url):
    """The official client over real HTTP (gunicorn's gthread workers): plain and streamed."""
    import openai

    client = openai.OpenAI(base_url=f"{server_url}/v1", api_key="unused", max_retries=0, timeout=120)
    messages = [{"role": "user", "content": DEMO_QUESTION}]
    plain = client.chat.completions.create(model="offline-qa", messages=messages)
    assert "September 27" in plain.choices[0].message.content.split("\n")[0]
    streamed = list(client.chat.completions.create(model="offline-qa", messages=messages, stream=True))
    assert "".join(c.choices[0].delta.content or "" for c in streamed) == plain.choices[0].message.content
    assert streamed[-1].model_extra["citations"] == plain.model_extra["citations"]


@needs_browser
def test_the_page_asks_for_the_key_when_a_write_needs_it(sample_index, browser, tmp_path):
    """With QA_API_KEY set, an upload from the page gets a 401, the page asks for the key once,
    retries with it, and keeps it for the tab (the next write does not ask again)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as EC

    from tests.live import live_server

    index = tmp_path / "index"
    shutil.copytree(sample_index, index)
    with live_server(index, workers=1, instance_dir=tmp_path, env={"QA_API_KEY": "page-key-123"}) as url:
        browser.get(url + "/")
        browser.find_element(By.ID, "toggle-docs").click()
        notes = tmp_path / "keyed-notes.txt"
        notes.write_text("The Orvik bridge opened in 1931.", encoding="utf-8")
        browser.find_element(By.ID, "upload-file").send_keys(str(notes))
        browser.find_element(By.ID, "upload").click()
        prompt = _wait(browser, EC.alert_is_present(), 60)
        assert "API key" in prompt.text
        prompt.send_keys("page-key-123")
        prompt.accept()
        _wait(browser, EC.text_to_be_present_in_element((By.ID, "upload-status"), "Added keyed-notes.txt"), 120)
        assert browser.execute_script("return sessionStorage.getItem('qa-api-key')") == "page-key-123"
        assert browser.execute_script("return localStorage.getItem('qa-api-key')") is None
        row = _wait(browser, EC.presence_of_element_located(
            (By.XPATH, "//ul[@id='doc-list']/li[span[text()='keyed-notes.txt']]")), 30)
        browser.execute_script("window.confirm = () => true")
        row.find_element(By.CSS_SELECTOR, ".delete-doc").click()
        _wait(browser, EC.text_to_be_present_in_element((By.ID, "upload-status"), "Deleted keyed-notes.txt"), 60)
