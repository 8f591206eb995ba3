#!/usr/bin/env python3
"""Drives the gateway's dashboard in headless Chromium (Debian's chromium + chromium-driver, python3-selenium).

Called by tests/gateway/dashboard_test.cpp, which starts the broker, a worker and the gateway:

    dashboard_browser.py URL SCREENSHOT.png '{"strategy_name": ..., "expect": {"total_trades": N, ...}}'

Opens URL, waits for the worker to show up, fills the submit form and starts the job, watches the job's
progress bar on the fleet page (it must take at least two different values strictly between 0 and 100), waits
for the job to complete, opens its page, waits for the summary metrics and checks them against "expect",
checks the equity/drawdown chart and the trades table, and saves screenshots (the fleet page mid-run as
SCREENSHOT with -fleet before .png, the job page at the end as SCREENSHOT).

Exit codes: 0 pass, 1 fail (the reason on stderr), 77 Chromium, its driver or selenium is missing.
"""
import json
import os
import shutil
import sys
import tempfile
import time

SKIP = 77


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def main():
    if len(sys.argv) != 4:
        fail("usage: dashboard_browser.py URL SCREENSHOT JOB_JSON")
    url, screenshot, job = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.options import Options
        from selenium.webdriver.chrome.service import Service
        from selenium.webdriver.common.by import By
        from selenium.common.exceptions import WebDriverException
    except ImportError as e:
        print(f"python3-selenium is not installed ({e})")
        return SKIP
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    if chromium is None or not os.access(driver_path, os.X_OK):
        print("chromium or chromedriver is not installed (apt-get install chromium chromium-driver)")
        return SKIP

    profile = tempfile.mkdtemp(prefix="ktrdr-chromium-")
    opts = Options()
    opts.binary_location = chromium
    for flag in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1400,1300"]:
        opts.add_argument(flag)
    try:
        driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    except WebDriverException as e:
        shutil.rmtree(profile, ignore_errors=True)
        fail(f"cannot start headless Chromium: {e.msg}")
    try:
        run(driver, By, url, screenshot, job)
    finally:
        logs = []
        try:
            logs = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        except Exception:  # noqa: BLE001 - the log is a diagnostic only
            pass
        for entry in logs:
            print(f"browser console: {entry.get('message')}", file=sys.stderr)
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    return 0


def wait_for(what, fn, timeout=60.0, interval=0.05):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = fn()
        except Exception as e:  # noqa: BLE001 - the page may be mid-render
            last = e
        if last and not isinstance(last, Exception):
            return last
        time.sleep(interval)
    fail(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def run(driver, By, url, screenshot, job):
    driver.set_page_load_timeout(30)
    driver.get(url)
    wait_for("the worker row", lambda: driver.find_elements(By.CSS_SELECTOR, "#workers tr[data-worker]"))
    wait_for("the live stream", lambda: driver.find_element(By.ID, "live-state").text == "live: on")

    fields = {"f-strategy": job["strategy_name"], "f-symbol": job["symbol"], "f-timeframe": job["timeframe"],
              "f-start": job["start_date"], "f-end": job["end_date"]}
    for field, value in fields.items():
        box = driver.find_element(By.ID, field)
        box.clear()
        box.send_keys(value)
    driver.execute_script("document.getElementById('f-mode').value = arguments[0]", job["mode"])
    driver.find_element(By.ID, "f-submit").click()
    op = wait_for("the started operation id",
                  lambda: driver.find_element(By.ID, "submit-result").get_attribute("data-op"), 10)
    print(f"submitted {op}")

    # The progress bar on the fleet page moves: distinct values strictly between 0 and 100.
    seen = set()
    status = None
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        state = driver.execute_script(
            "const r = document.querySelector(`#jobs tr[data-op='${arguments[0]}']`);"
            "if (!r) return null;"
            "return [r.dataset.status, r.querySelector('.progress').dataset.pct];", op)
        if state:
            status, pct = state[0], float(state[1])
            if 0 < pct < 100:
                seen.add(round(pct, 2))
                if len(seen) == 3:  # the fleet page mid-run
                    driver.save_screenshot(screenshot.replace(".png", "-fleet.png"))
            if status == "completed":
                break
        time.sleep(0.03)
    print(f"progress values seen mid-run: {sorted(seen)}")
    if status != "completed":
        fail(f"{op} did not complete on the page (last status {status})")
    if len(seen) < 2:
        fail(f"the progress bar did not move: values seen strictly between 0 and 100: {sorted(seen)}")

    # The job's page: final metrics, chart, trades.
    driver.find_element(By.CSS_SELECTOR, f"#jobs tr[data-op='{op}'] a").click()
    wait_for("the job page", lambda: driver.find_element(By.ID, "job-id").text == op, 10)
    wait_for("the summary metrics",
             lambda: driver.find_elements(By.CSS_SELECTOR, "#metrics [data-metric='total_trades']"), 30)
    for key, expected in job["expect"].items():
        value = driver.find_element(By.CSS_SELECTOR, f"#metrics [data-metric='{key}']").get_attribute("data-value")
        if float(value) != float(expected):
            fail(f"metric {key} on the page is {value}, the run gave {expected}")
    trades = driver.find_element(By.CSS_SELECTOR, "#metrics [data-metric='total_trades'] .value").text
    if trades != str(job["expect"]["total_trades"]):
        fail(f"the trades tile shows {trades!r}, expected {job['expect']['total_trades']}")
    if driver.find_element(By.ID, "job-status").text != "completed":
        fail("the job page does not say completed")
    if driver.find_element(By.ID, "job-progress").get_attribute("data-pct") != "100.00":
        fail("the job page's progress bar is not full")
    line = wait_for("the equity line", lambda: driver.find_element(By.ID, "equity-line").get_attribute("d"), 10)
    if line.count("L") < 50:
        fail(f"the equity line has {line.count('L') + 1} points")
    wait_for("the drawdown area", lambda: driver.find_element(By.ID, "drawdown-area").get_attribute("d"), 10)
    rows = driver.find_elements(By.CSS_SELECTOR, "#trades tbody tr")
    shown = min(job["expect"]["total_trades"], 500)
    if len(rows) < shown:
        fail(f"the trades table has {len(rows)} rows, expected at least {shown}")
    if driver.find_element(By.ID, "trade-count").text != str(job["expect"]["total_trades"]):
        fail("the trades count is wrong")
    if not driver.find_element(By.ID, "job-cancel").get_attribute("disabled"):
        fail("Cancel is enabled on a completed job")
    driver.execute_script("window.scrollTo(0, 0)")
    driver.save_screenshot(screenshot)
    print(f"screenshot {screenshot}")


if __name__ == "__main__":
    sys.exit(main())
