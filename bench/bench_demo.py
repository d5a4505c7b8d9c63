"""Measure the demo (not a test): the controls-live time of a first visit with a warm kernel pool,
the median timeline click in the browser, and what closing a tab does to the kernels. Goals (issue
21): controls live <= 3.5 s on a first visit, a timeline click <= 100 ms (median).

    .venv/bin/python bench/bench_demo.py [--pages 5] [--clicks 30]

Starts `exportkit demo` on a free port (a dead tab's kernel culled after 30 s instead of 300, so the
run can watch it), waits for the pool to warm, starts the browser and lets it settle (headless
Chromium loads its own pages at launch), then opens the demo `--pages` times, each in a new
browser profile (nothing cached: a first visit), waiting between pages for the pool to refill.
Three figures per visit, each from the request: *step shown* (the linked step is in the page, drawn
by the widgets), *page ready* (that, and a click on the timeline answered by the kernel) and
*controls live* (that, and Next answered: the goal's measure).
Then the same pages again in a browser profile on disk that has visited the demo `PRIMING` times
(a return visit: the cache holds the scripts and the code V8 compiled from them),
and `--clicks` timeline clicks in one page, each timed in the page (performance.now() from the click
to the new step in the DOM, the goal's measure, and to the end of the frame that paints it).
Each page is left as a person closing a tab leaves it (Voila's `beforeunload` shutdown call); the
last one is closed by Playwright with `run_before_unload=True`. The kernel count is read after
each. Uses the system Chromium; nothing is downloaded.
"""

from __future__ import annotations

import argparse
import os
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from exportkit.app.demo import FILL_DELAY, POOL_SIZE, free_port  # noqa: E402

CULL_AFTER = 30  # seconds; `exportkit demo` uses 300
PRIMING = 2  # visits of the returning profile before its timed visits
VIEWPORT: Any = {"width": 1366, "height": 768}  # playwright's ViewportSize

CLICK = """async (n) => {
  const view = document.querySelector('.exportkit-view .ek-host').shadowRoot.querySelector('.ek-view');
  const t0 = performance.now();
  const done = new Promise((resolve) => {
    const seen = () => view.querySelector(`.ek-step[data-step="${n}"]`);
    const obs = new MutationObserver(() => {
      if (seen()) {
        obs.disconnect();
        const dom = performance.now() - t0;
        // The frame that shows it: style, layout and paint run before the next animation frame's
        // callbacks return to the event loop (a task queued from there runs after the paint).
        requestAnimationFrame(() => setTimeout(() => resolve([dom, performance.now() - t0]), 0));
      }
    });
    obs.observe(view, {childList: true, subtree: true});
  });
  view.querySelector(`.ek-timeline a[data-step="${n}"]`).click();
  return await done;
}"""


# In the page: when the linked step is first there (from the navigation's start), and how long the
# first timeline click took in the browser (from the input event's own time stamp to the new step
# in the DOM, and to the end of the frame that paints it). Playwright's figures add its own checks
# (a click first waits for the element to stay still over animation frames, and each check waits
# for the browser's main thread, busy with Voila's scripts); these are what a person's click meets.
IN_PAGE = """
window.__ek = {};
const shown = () => {
  const view = document.querySelector('.exportkit-view .ek-host')?.shadowRoot;
  return view && view.querySelector('.ek-step');
};
const watch = new MutationObserver(() => {
  if (shown()) { window.__ek.shown = performance.now(); watch.disconnect(); }
});
watch.observe(document, {childList: true, subtree: true});
addEventListener('click', (event) => {
  if (window.__ek.click !== undefined) return;
  window.__ek.click = performance.now() - event.timeStamp;
  // The frame that shows it: its callbacks run before the paint; a task queued there runs after.
  requestAnimationFrame(() => setTimeout(() => {
    window.__ek.painted = performance.now() - event.timeStamp;
  }, 0));
});
"""


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
        env={**os.environ, "EXPORTKIT_DEMO_CULL_AFTER": str(CULL_AFTER)},
    )
    out = server.stdout
    assert out is not None
    refill = FILL_DELAY + 20  # the pool refills this long after a page takes a kernel
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
            browser.new_page().goto("about:blank")
            time.sleep(5)  # the browser's own start-up work is over
            counts = [("warm pool", kernels(server.pid))]
            first: list[tuple[float, ...]] = []
            again: list[tuple[float, ...]] = []
            # A return visit as a person's browser makes it: a profile on disk, whose cache keeps
            # the scripts and V8's compiled code of them (an incognito context keeps no compiled
            # code). Chromium keeps a script's code from its second load on, so the profile visits
            # the demo PRIMING times before the return visits are timed.
            returning = p.chromium.launch_persistent_context(
                tempfile.mkdtemp(prefix="bench-demo-"),
                executable_path="/usr/bin/chromium",
                args=["--headless", "--no-sandbox"],
                viewport=VIEWPORT,
            )
            visits = ["first"] * args.pages + ["priming"] * PRIMING + ["return"] * args.pages
            for n, kind in enumerate(visits):
                context = browser.new_context(viewport=VIEWPORT) if kind == "first" else returning
                page = context.new_page()
                times = page_times(page, base, n % 20)
                {"first": first, "return": again}.get(kind, []).append(times)
                time.sleep(refill)
                counts.append((f"page open ({kind} visit), pool refilled", kernels(server.pid)))
                if n < len(visits) - 1:
                    page.goto("about:blank")  # leaving: Voila's beforeunload shutdown call
                    time.sleep(3)
                    counts.append(("page left", kernels(server.pid)))
                    page.close()
                if context is not returning:
                    context.close()
            clicks = [page.evaluate(CLICK, 1 + k % 30) for k in range(args.clicks)]
            moves = [address_after_change(page, k) for k in range(10)]
            page.close(run_before_unload=True)
            started = time.monotonic()
            while kernels(server.pid) > POOL_SIZE and time.monotonic() - started < CULL_AFTER + 60:
                time.sleep(1)
            freed = time.monotonic() - started
            counts.append((f"closed by Playwright, after {freed:.0f} s", kernels(server.pid)))
            returning.close()
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)
    print(f"seconds from the request, warm pool of {POOL_SIZE}:")
    print("  step shown:    the linked step in the page, drawn by the widgets")
    print("  page ready:    step shown and a click on the timeline answered by the kernel")
    print("  controls live: that, and Next answered by the kernel (the goal's measure)")
    returns = f"return visit (a profile on disk, after {PRIMING} visits: scripts and compiled code cached)"
    for label, timed in (("first visit (nothing cached)", first), (returns, again)):
        print(f"  {label}:")
        for k, figure in enumerate(("step shown", "page ready", "controls live")):
            seconds = [v[k] for v in timed]
            each = ", ".join(f"{t:.2f}" for t in seconds)
            print(f"    {figure + ':':15}median {statistics.median(seconds):.2f} s, each: {each}")
        shown = statistics.median(v[3] for v in timed)
        click = [v[4] for v in timed]
        painted = [v[5] for v in timed]
        print(
            f"    in the page:   step there {shown:.0f} ms after the navigation started; the first"
            f" click answered in {statistics.median(click):.0f} ms (max {max(click):.0f}),"
            f" painted in {statistics.median(painted):.0f} ms (max {max(painted):.0f})"
        )
    goal = statistics.median(v[2] for v in first)
    print(f"  goal <= 3.5 s (controls live, first visit): {'met' if goal <= 3.5 else 'missed'}")
    dom = [c[0] for c in clicks]
    painted = [c[1] for c in clicks]
    print(f"click on the timeline to the new step in the page, {len(clicks)} clicks:")
    print(f"  in the DOM: median {statistics.median(dom):.0f} ms, max {max(dom):.0f} ms")
    print(f"  painted:    median {statistics.median(painted):.0f} ms, max {max(painted):.0f} ms")
    print(f"  goal <= 100 ms (in the DOM): {'met' if statistics.median(dom) <= 100 else 'missed'}")
    print(f"change of destination to the address that holds it, {len(moves)} changes:")
    print(f"  median {statistics.median(moves):.0f} ms, max {max(moves):.0f} ms")
    print(f"  goal <= 1 s: {'met' if max(moves) <= 1000 else 'missed'}")
    print(f"kernels (pool size {POOL_SIZE}; a dead tab's kernel is culled after {CULL_AFTER} s here):")
    for label, n in counts:
        print(f"  {n}  {label}")
    print(f"machine load (1 min average) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    return 0


def address_after_change(page, k: int) -> float:
    """Milliseconds from a change of destination (Playwright's select) to the address holding it
    (issue 26: within 1 s); Playwright's own polling is included, so this is an upper bound."""
    label, wanted = (("Advertising network", "adnet"), ("HTTP API", "http-api"))[k % 2]
    started = time.perf_counter()
    page.select_option(".exportkit-explorer select >> nth=0", label=label)
    page.wait_for_function(
        f"new URLSearchParams(location.search).get('destination') === '{wanted}'", polling=10
    )
    return (time.perf_counter() - started) * 1000


def page_times(page, base: str, step: int) -> tuple[float, ...]:
    """Seconds from the request to step `step` shown, to a click on the timeline answered (step
    `step + 1` shown), and to the live widgets answering Next (step `step + 2` in the live view);
    then, measured in the page (`IN_PAGE`), milliseconds from the navigation's start to the step
    shown, and from the first click's input event to the new step in the DOM and painted."""
    page.add_init_script(IN_PAGE)
    started = time.perf_counter()
    page.goto(f"{base}?scenario=delorean&step={step}", timeout=180_000, wait_until="commit")
    page.wait_for_selector(f'.ek-step[data-step="{step}"]', timeout=180_000)
    shown = time.perf_counter() - started
    page.click(f'.ek-timeline a[data-step="{step + 1}"]')
    page.wait_for_selector(f'.ek-step[data-step="{step + 1}"]', timeout=180_000)
    ready = time.perf_counter() - started
    page.click("button.exportkit-next")
    page.wait_for_selector(f'.exportkit-view .ek-step[data-step="{step + 2}"]', timeout=180_000)
    live = time.perf_counter() - started
    page.wait_for_function("window.__ek.painted !== undefined", timeout=180_000)
    in_page = page.evaluate("[window.__ek.shown, window.__ek.click, window.__ek.painted]")
    return shown, ready, live, *(float("nan") if x is None else x for x in in_page)


if __name__ == "__main__":
    raise SystemExit(main())
