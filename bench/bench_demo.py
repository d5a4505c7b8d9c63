"""Measure the demo (not a test): page-ready time with a warm kernel pool, and the median
click-to-update time in the browser. Goals (issue 13): <= 2 s and <= 50 ms.

    .venv/bin/python bench/bench_demo.py [--pages 5] [--clicks 30]

Starts `exportkit demo` on a free port, waits for the pool to warm, then opens the demo's page
`--pages` times (waiting between pages for the pool to refill) and clicks timeline cells
`--clicks` times in one page, timing each click in the page itself (performance.now() from the
click to the new step in the DOM). Uses the system Chromium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exportkit.app.demo import POOL_SIZE, free_port  # noqa: E402

CLICK = """async (n) => {
  const view = document.querySelector('.ek-view');
  const t0 = performance.now();
  const done = new Promise((resolve) => {
    const seen = () => view.querySelector(`.ek-step[data-step="${n}"]`);
    const obs = new MutationObserver(() => {
      if (seen()) { obs.disconnect(); resolve(performance.now() - t0); }
    });
    obs.observe(view, {childList: true, subtree: true});
  });
  view.querySelector(`.ek-timeline a[data-step="${n}"]`).click();
  return await done;
}"""


def kernels(demo_pid: int) -> int:
    """How many kernels Voila (the demo's child) runs now."""
    voila = subprocess.run(["pgrep", "-P", str(demo_pid)], capture_output=True, text=True).stdout.split()
    if not voila:
        return 0
    found = subprocess.run(["pgrep", "-P", voila[0], "-f", "ipykernel"], capture_output=True, text=True)
    return len(found.stdout.split())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=5)
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--warm", type=float, default=60.0, help="seconds to let the pool warm")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    server = subprocess.Popen(
        [sys.executable, "-m", "exportkit", "demo", "--port", str(free_port())],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    out = server.stdout
    assert out is not None
    try:
        ready, _, _ = select.select([out], [], [], 90)
        if not ready:
            print("the demo did not start", file=sys.stderr)
            return 1
        base = out.readline().split()[3]
        time.sleep(args.warm)
        with sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
            )
            ready_times = []
            counts = [kernels(server.pid)]  # the warm pool
            for i in range(args.pages):
                page = browser.new_page(viewport={"width": 1366, "height": 768})
                started = time.perf_counter()
                page.goto(f"{base}?scenario=delorean&step={i}", timeout=180_000)
                page.wait_for_selector(f'.ek-step[data-step="{i}"]', timeout=180_000)
                ready_times.append(time.perf_counter() - started)
                if i < args.pages - 1:
                    time.sleep(args.warm / POOL_SIZE)  # the pool refills behind the page
                    counts.append(kernels(server.pid))  # the pool and this page's kernel
                    page.close()  # its kernel shuts down
                    time.sleep(5)
                    counts.append(kernels(server.pid))
            clicks = [page.evaluate(CLICK, 1 + k % 30) for k in range(args.clicks)]
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    print(f"page ready with a warm pool (pool_size={POOL_SIZE}), {args.pages} pages:")
    print(
        f"  median {statistics.median(ready_times):.2f} s, each: {', '.join(f'{t:.2f}' for t in ready_times)}"
    )
    print(f"  goal <= 2 s: {'met' if statistics.median(ready_times) <= 2 else 'missed'}")
    print(f"click on the timeline to the new step in the page, {len(clicks)} clicks:")
    print(f"  median {statistics.median(clicks):.0f} ms, max {max(clicks):.0f} ms")
    print(f"  goal <= 50 ms: {'met' if statistics.median(clicks) <= 50 else 'missed'}")
    print(f"kernels running (warm pool, then with a page open / after closing it): {counts}")
    print(f"machine load (1 min average) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
