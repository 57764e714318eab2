"""End to end: `streamlit run` on the demo store, driven by Debian's chromium.

Opens Overblik for Favrskov 2022 from the URL, switches to a target, downloads the
trend chart as PNG and its data as CSV, checks both files and saves screenshots to
test-artifacts/. Never downloads a browser: Debian's /usr/bin/chromium or nothing (then
skipped, except in CI where a missing browser is a failure).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
EXPECT_TIMEOUT = 60_000
"""ms an expectation waits: a page that loads in 1 s alone can take 20 s on a busy
2-core machine (seen in a full run), so the default 5 s made the browser tests flaky."""
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _need_chromium() -> None:
    if CHROMIUM.is_file():
        return
    if os.environ.get("CI") == "true":
        pytest.fail("CI=true but /usr/bin/chromium is missing (run `make system-deps`)")
    pytest.skip("Debian chromium (/usr/bin/chromium) is not installed; `make test` installs it")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    _need_chromium()
    pytest.importorskip("playwright.sync_api")
    demo = pytest.importorskip("data_connectors.demo")
    from data_connectors.store import Store

    data_dir = tmp_path_factory.mktemp("e2e") / "data"
    demo.build_demo(Store(data_dir))
    yield from _serve(data_dir, tmp_path_factory)


@pytest.fixture
def empty_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A server on an empty store (no demo data): what a new municipality starts with."""
    _need_chromium()
    pytest.importorskip("playwright.sync_api")
    data_dir = tmp_path_factory.mktemp("e2e-empty") / "data"
    serving = _serve(data_dir, tmp_path_factory)
    try:
        yield next(serving), data_dir
    finally:
        serving.close()  # stops the server


def _serve(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = _free_port()
    env = {**os.environ, "JOBMAAL_DATA_DIR": str(data_dir), "BROWSER_PATH": str(CHROMIUM)}
    log = (tmp_path_factory.mktemp("e2e-log") / "streamlit.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(ROOT / "dashboard" / "app.py"),
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (see {log.name})")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


def _settle(page: object) -> None:
    """Wait until Streamlit has finished running the script."""
    from playwright.sync_api import Page

    assert isinstance(page, Page)
    page.wait_for_selector('[data-testid="stApp"]', timeout=60_000)
    page.wait_for_timeout(500)
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=120_000
    )
    page.wait_for_timeout(500)


def test_overblik_switch_target_and_download(server: str, tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT)

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(
                viewport={"width": 1400, "height": 1800}, locale="da-DK", accept_downloads=True
            )
            page = ctx.new_page()
            page.goto(f"{server}/?kommune=710&aar=2022", timeout=60_000)
            _settle(page)
            expect(
                page.get_by_role("heading", name="Favrskov: Beskæftigelsesplan 2022")
            ).to_be_visible()
            expect(page.get_by_text("Demodata – ikke rigtige tal").first).to_be_visible()
            expect(page.get_by_text("Langtidsledige (gennemsnit i året)").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "e2e-overblik.png"), full_page=True)

            # Switch to a target: the card's link carries the selection in the URL.
            link = page.get_by_role("link", name="Se målet i detaljer")
            link.filter(has=page.locator("xpath=self::*[contains(@href, 'maal=2')]")).or_(
                page.locator("a[href*='maal=2']")
            ).first.click()
            _settle(page)
            expect(page).to_have_url(re.compile(r"/maal\?.*maal=2(&|$)"))
            assert "kommune=710" in page.url and "aar=2022" in page.url
            expect(
                page.get_by_role("heading", name="Langtidsledige (gennemsnit i året)")
            ).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "e2e-maal.png"), full_page=True)

            buttons = page.get_by_test_id("stDownloadButton")
            with page.expect_download(timeout=120_000) as dl:
                buttons.filter(has_text="PNG").first.click()
            png = tmp_path / "trend.png"
            dl.value.save_as(png)
            assert dl.value.suggested_filename.endswith(".png")
            assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

            with page.expect_download(timeout=60_000) as dl2:
                buttons.filter(has_text="CSV").first.click()
            csv = tmp_path / "trend.csv"
            dl2.value.save_as(csv)
            raw = csv.read_bytes()
            assert raw.startswith(b"\xef\xbb\xbf")
            lines = raw.decode("utf-8-sig").splitlines()
            assert lines[0].split(";")[:3] == ["KPI", "Periode", "Periodestart"]
            assert all(";" in line for line in lines[1:25])
            header = lines[0].split(";")
            values = [line.split(";")[header.index("Værdi")] for line in lines[1:25]]
            assert values and all(v == "" or re.fullmatch(r"-?\d+(,\d+)?", v) for v in values)
            assert "Demodata – ikke rigtige tal." in lines
            assert any(line.startswith("Kilde: Jobindsats (tabel y25i09)") for line in lines)
            assert "person_id" not in raw.decode("utf-8-sig")
            page.screenshot(path=str(ARTIFACTS / "e2e-after-download.png"), full_page=True)
        finally:
            browser.close()


def test_deep_link_keeps_the_router_and_prints_cleanly(server: str, tmp_path: Path) -> None:
    """A shared link straight to a subpage (a fresh browser, no visit to / first) runs
    through the router: grouped Danish navigation, not the raw file names. Printing
    Overblik keeps the plan's order, hides buttons and never splits a card."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT)

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            ctx = browser.new_context(viewport={"width": 1400, "height": 1400}, locale="da-DK")
            page = ctx.new_page()
            page.goto(f"{server}/ledelsestilsyn?kommune=101", timeout=60_000)
            _settle(page)
            nav = page.get_by_test_id("stSidebarNav")
            expect(nav.get_by_text("Overblik")).to_be_visible()
            expect(nav.get_by_text("Ledelsestilsyn")).to_be_visible()
            assert not nav.get_by_text("ledelsestilsyn", exact=True).count()
            expect(
                page.get_by_text("ingen gennemgåede sanktionssager for København")
            ).to_be_visible()
            expect(
                page.get_by_role("heading", name="Ankestyrelsens landsresultater")
            ).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "e2e-ledelsestilsyn-101.png"))

            # A link to a page that does not exist: a Danish message and a way on, not
            # the start page's numbers as if they were the page asked for.
            page.goto(f"{server}/foo?kommune=710", timeout=60_000)
            _settle(page)
            expect(page.get_by_text("Siden »foo« findes ikke i jobmaal.")).to_be_visible()
            assert not page.locator("[class*='st-key-jm-card']").count()

            page.goto(f"{server}/?kommune=710&aar=2022", timeout=60_000)
            _settle(page)
            page.emulate_media(media="print")
            cards = page.locator("[class*='st-key-jm-card']")
            expect(cards.nth(1)).to_be_visible()  # the page has run, not just started
            n = cards.count()
            assert n >= 2
            boxes = [cards.nth(i).bounding_box() for i in range(n)]
            tops = [b["y"] for b in boxes if b is not None]
            assert tops == sorted(tops), "printed cards are not in the plan's order"
            for testid in ("stDownloadButton", "stPopover", "stPageLink", "stSidebar"):
                loc = page.get_by_test_id(testid)
                assert all(not loc.nth(i).is_visible() for i in range(loc.count())), testid
            pdf = page.pdf(path=str(ARTIFACTS / "e2e-overblik.pdf"))
            assert pdf.startswith(b"%PDF")
        finally:
            browser.close()


def test_upload_on_the_data_page_previews_then_stores_on_confirm(
    empty_server: tuple[str, Path], tmp_path: Path
) -> None:
    """An analyst uploads a CRM extract in the template on an empty store: a bad file is
    refused and changes nothing; a good one is previewed, stored only on "Gem i lageret",
    and counted: 3 visits in January 2022 and 1 in February (by hand)."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT)

    from data_connectors.store import Store

    base, data_dir = empty_server
    head = "Dato;CVR-nummer;Kontakttype;Team;Kommune\n"
    good = tmp_path / "crm-2022.csv"
    good.write_text(
        head
        + "2022-01-10;10150817;besøg;VS;Favrskov\n2022-01-11;10150817;besøg;VS;Favrskov\n"
        + "2022-01-20;25313763;besøg;VS;Favrskov\n2022-02-03;25313763;besøg;VS;Favrskov\n",
        encoding="utf-8",
    )
    bad = tmp_path / "crm-fejl.csv"
    bad.write_text(head + "2022-01-10;10150818;besøg;VS;Favrskov\n", encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 1800}).new_page()
            page.goto(f"{base}/data", timeout=60_000)
            _settle(page)
            uploader = page.locator("[data-testid='stFileUploader'] input[type='file']")
            uploader.set_input_files(str(bad))
            _settle(page)
            expect(page.get_by_text("Filen kan ikke indlæses, intet er gemt").first).to_be_visible()
            assert not (data_dir / "store" / "aggregate").exists()
            uploader.set_input_files(str(good))
            _settle(page)
            expect(page.get_by_text("Intet er gemt endnu").first).to_be_visible()
            assert not (data_dir / "store" / "aggregate").exists()
            page.screenshot(path=str(ARTIFACTS / "e2e-data-upload-preview.png"), full_page=True)
            page.get_by_role("button", name="Gem i lageret").click()
            _settle(page)
            expect(page.get_by_text("Gemt:").first).to_be_visible()
            page.screenshot(path=str(ARTIFACTS / "e2e-data-upload-saved.png"), full_page=True)
        finally:
            browser.close()
    df = Store(data_dir).scan("crm_virksomhedsservice").collect()
    visits = df.filter(
        (df["measure_id"] == "virksomhedsbesoeg") & (df["area_code"] == "710")
    ).select("period", "value")
    assert dict(visits.rows()) == {"2022M01": 3.0, "2022M02": 1.0}
