"""The web chat on a slow phone connection: what the page weighs, and how long until the
first question is on screen (targets: under 60 KB compressed, under 3 s on Slow 3G).

1. Weight: `python -m bot run` on SQLite; /chat and every script and stylesheet it names
   are fetched with `Accept-Encoding: gzip, br`, and the bytes on the wire are counted
   (body as sent, headers not). When the server sends them uncompressed, their gzip -9
   size is printed too: what a proxy in front (deploy/Caddyfile, deploy/nginx.conf both
   compress) would send.
2. Time: headless Chromium at 360x740, its network held by the DevTools protocol to
   DevTools' "Slow 3G" preset (2000 ms latency, 500 kbit/s × 0.8 = 51,200 bytes/s each
   way), cache off, a fresh browser context each time; timed in the page from navigation
   start (performance.timeOrigin) to the first bot message in #log. Baseline, same run
   and same throttling: a page of a few hundred bytes that already holds its question,
   served by a FastAPI app under uvicorn, the least any page costs on this network.

Each repeat loads the product and its baseline back to back; printed are each repeat's
times and ratio, the requests the page made before its question, and the medians.

    .venv/bin/python benchmarks/page_weight.py --repeats 5
"""

import argparse
import asyncio
import gzip
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
from playwright.async_api import Browser, async_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.process import free_port, start_bot
from tests.webchat.conftest import CHROMIUM, FLAGS

SLOW_3G = {"offline": False, "latency": 2000, "downloadThroughput": 500 * 1024 / 8 * 0.8,
           "uploadThroughput": 500 * 1024 / 8 * 0.8}
WEIGHT_TARGET = 60 * 1024
TIME_TARGET = 3.0

BASELINE_PAGE = """<!doctype html><html lang="vi"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>NTVT</title>
</head><body><main><section id="log"><div class="msg bot">Bạn có đồng ý để tiếp tục
không?</div></section></main></body></html>"""

BASELINE_APP = """
import sys, fastapi, uvicorn
from fastapi.responses import HTMLResponse
app = fastapi.FastAPI()
PAGE = sys.stdin.read()
@app.get("/chat")
async def chat(): return HTMLResponse(PAGE)
@app.get("/readyz")
async def ready(): return {"ok": True}
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
"""

# Installed before any of the page's own script: the moment, on the page's clock
# (0 = navigation start), that a bot message first appears in #log, and the page's first
# paint. A message in the page's HTML is in #log long before a stylesheet it waits for
# lets it be painted: the question is on screen at the later of the two.
FIRST_QUESTION = """
new MutationObserver((_, observer) => {
  if (document.querySelector('#log .msg.bot')) {
    window.firstQuestion = performance.now();
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.name === 'first-contentful-paint') window.firstPaint = entry.startTime;
  }
}).observe({type: 'paint', buffered: true});
"""


def references(html: str) -> list[str]:
    scripts = re.findall(r'<script[^>]*\ssrc="([^"]+)"', html)
    sheets = [href for tag in re.findall(r"<link[^>]*>", html) if 'rel="stylesheet"' in tag
              for href in re.findall(r'href="([^"]+)"', tag)]
    return ["/chat", *sheets, *scripts]


def weigh(base_url: str) -> list[dict]:
    rows = []
    with httpx.Client(base_url=base_url) as client:
        html = client.get("/chat").text
        for path in references(html):
            with client.stream("GET", path, headers={"Accept-Encoding": "gzip, br"}) as response:
                response.raise_for_status()
                wire = sum(len(chunk) for chunk in response.iter_raw())
                encoding = response.headers.get("content-encoding", "identity")
            raw = client.get(path, headers={"Accept-Encoding": "identity"}).content
            rows.append({"path": path, "wire": wire, "encoding": encoding, "raw": len(raw),
                         "gzip9": len(gzip.compress(raw, 9))})
    return rows


async def time_to_question(browser: Browser, url: str) -> tuple[float, list[str]]:
    context = await browser.new_context(viewport={"width": 360, "height": 740},
                                        is_mobile=True, has_touch=True)
    page = await context.new_page()
    await page.add_init_script(FIRST_QUESTION)
    cdp = await context.new_cdp_session(page)
    requests: list[str] = []
    cdp.on("Network.requestWillBeSent",
           lambda event: requests.append(f"{event['request']['method']} "
                                         f"{httpx.URL(event['request']['url']).raw_path.decode()}"))
    await cdp.send("Network.enable")
    await cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    await cdp.send("Network.emulateNetworkConditions", SLOW_3G)
    await page.goto(url, wait_until="commit", timeout=120_000)
    await page.wait_for_function(
        "() => window.firstQuestion !== undefined && window.firstPaint !== undefined",
        timeout=120_000)
    assert await page.locator("#log .msg.bot").first.is_visible()
    seconds = await page.evaluate("Math.max(window.firstQuestion, window.firstPaint)") / 1000
    asked = requests[:]
    await context.close()
    return seconds, asked


async def baseline_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", BASELINE_APP, str(port)],
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, text=True)
    assert process.stdin is not None
    process.stdin.write(BASELINE_PAGE)
    process.stdin.close()
    async with httpx.AsyncClient() as client:
        for _ in range(500):
            try:
                if (await client.get(f"http://127.0.0.1:{port}/readyz")).status_code == 200:
                    return process
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.02)
    raise RuntimeError("the baseline server did not start")


def report_weight(rows: list[dict]) -> None:
    compressed = all(row["encoding"] != "identity" for row in rows)
    print("Weight of /chat with its script and styles "
          f"(target < {WEIGHT_TARGET // 1024} KB compressed)")
    for row in rows:
        print(f"  {row['path']}: {row['wire']} B on the wire ({row['encoding']}), "
              f"raw {row['raw']} B, gzip -9 {row['gzip9']} B")
    wire = sum(row["wire"] for row in rows)
    raw = sum(row["raw"] for row in rows)
    gzip9 = sum(row["gzip9"] for row in rows)
    size = wire if compressed else gzip9
    print(f"  total: {wire} B on the wire, raw {raw} B, gzip -9 {gzip9} B"
          + ("" if compressed else "; the server does not compress: gzip -9 size counted"))
    print(f"  compressed {size / 1024:.1f} KB (raw {raw / 1024:.1f} KB); "
          f"target {'met' if size < WEIGHT_TARGET else 'MISSED'}")


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        bot = await start_bot(Path(folder))
        port = free_port()
        baseline = await baseline_server(port)
        try:
            rows = weigh(bot.base_url)
            async with async_playwright() as playwright:
                browser = await playwright.chromium.launch(executable_path=CHROMIUM,
                                                           args=FLAGS)
                pairs, asked = [], []
                for _ in range(args.repeats):
                    product, asked = await time_to_question(browser, f"{bot.base_url}/chat")
                    floor, _ = await time_to_question(browser, f"http://127.0.0.1:{port}/chat")
                    pairs.append((product, floor))
                await browser.close()
        finally:
            baseline.terminate()
            baseline.wait(timeout=15)
            await bot.stop()
    report_weight(rows)
    print(f"\nFirst question on screen, Slow 3G, cache off (target < {TIME_TARGET} s)")
    print(f"  requests before it: {', '.join(asked)}")
    for number, (product, floor) in enumerate(pairs, 1):
        print(f"  repeat {number}: {product:.2f} s, baseline {floor:.2f} s, "
              f"ratio {product / floor:.2f}")
    product = statistics.median(p for p, _ in pairs)
    floor = statistics.median(b for _, b in pairs)
    ratio = statistics.median(p / b for p, b in pairs)
    print(f"  median: {product:.2f} s, baseline {floor:.2f} s, ratio {ratio:.2f}; "
          f"target {'met' if product < TIME_TARGET else 'MISSED'}")


if __name__ == "__main__":
    asyncio.run(main())
