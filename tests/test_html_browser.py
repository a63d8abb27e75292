"""The HTML report in a real browser: headless Chromium driven by Playwright.

Needs Debian's Chromium (``apt-get install -y chromium``) and the Playwright
Python package (``pip install playwright``); Playwright's own browser download
is not used. Skips, saying which is missing, when either is absent.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.reporting_fixtures import register_test_rules

FIXTURES = Path(__file__).parent / "fixtures"
CHROMIUM = os.environ.get("AUDIT_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

# CI sets AUDIT_REQUIRE_BROWSER=1 (.ci/run): there a missing browser is a failure, not a skip.
REQUIRED = os.environ.get("AUDIT_REQUIRE_BROWSER") == "1"
if not os.path.exists(CHROMIUM):
    if REQUIRED:
        raise RuntimeError(f"AUDIT_REQUIRE_BROWSER=1 but Chromium is not at {CHROMIUM}")
    pytest.skip("Chromium is not installed (apt-get install -y chromium)", allow_module_level=True)
if REQUIRED:
    from playwright import sync_api
else:
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install playwright)")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """index.html for the hostile draft and a long article, written by `audit report`."""
    mp = pytest.MonkeyPatch()
    try:
        register_test_rules(mp)
        root = tmp_path_factory.mktemp("project")
        (root / "audit.toml").write_text('select = ["ZZ901", "ZZ902"]\n', encoding="utf-8")
        (root / "articles").mkdir()
        (root / "articles" / "hostile.md").write_bytes((FIXTURES / "hostile.md").read_bytes())
        filler = "\n\n".join(f"Paragraph {i} says little of note about sleep and rest." for i in range(120))
        (root / "articles" / "long.md").write_text(
            "# Long\n\nBuy now.\n\n" + filler + "\n\nAt the very end, a MIRACLE and Buy now.\n", encoding="utf-8")
        mp.chdir(root)
        cli = __import__("audit.cli", fromlist=["cli"]).cli
        res = CliRunner().invoke(cli, ["report", "articles", "-o", "out"], catch_exceptions=False)
        assert res.exit_code == 1, res.output
        # The same report split into pages of one article.
        res = CliRunner().invoke(cli, ["report", "articles", "-o", "split", "--page-size", "1"], catch_exceptions=False)
        assert res.exit_code == 1, res.output
        yield root / "out" / "index.html"
    finally:
        mp.undo()


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def _open(browser, url: str):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=True)
    pg = context.new_page()
    problems: list[str] = []
    dialogs: list[str] = []
    requests: list[str] = []
    pg.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))

    def on_dialog(d):
        dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(url)
    pg.wait_for_load_state("load")
    pg.problems, pg.dialogs, pg.requests = problems, dialogs, requests
    return context, pg


@pytest.fixture
def page(browser, report):
    context, pg = _open(browser, report.as_uri())
    yield pg
    context.close()


@pytest.fixture
def split_page(browser, report):
    """The split report's second page (the long article)."""
    context, pg = _open(browser, (report.parent.parent / "split" / "index-0002.html").as_uri())
    yield pg
    context.close()


def test_loads_without_errors_network_or_script_from_the_draft(page, report):
    page.wait_for_timeout(200)
    assert page.problems == []
    assert page.dialogs == []
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("window.dataLayer === undefined")
    assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
    # The draft's markup is on the page as text, and no element came from it.
    src = page.locator("#a1 .src")
    assert "<script>window.__pwned" in src.inner_text()
    assert "onerror=" in src.inner_text()
    assert page.locator("#a1 .src img, #a1 .src script, #a1 .src iframe, #a1 .src a, #a1 .src svg").count() == 0
    # The report's script ran: it filled the counter.
    assert page.locator("#filter-count").inner_text().startswith("Showing ")


def test_filter_by_severity_hides_findings_and_highlights(page):
    errors = page.locator('li.finding:has(.badge.sev-error)')
    n = errors.count()
    assert n > 0 and errors.first.is_visible()
    marks_on = page.locator("mark.hl:not(.off)").count()
    page.locator('input[name="sev"][value="error"]').uncheck()
    assert all(errors.nth(i).is_hidden() for i in range(n))
    assert page.locator('li.finding:has(.badge.sev-warning)').first.is_visible()
    assert page.locator("mark.hl:not(.off)").count() < marks_on
    total = page.locator("li.finding").count()
    shown = page.locator("li.finding:visible").count()
    assert page.locator("#filter-count").inner_text() == f"Showing {shown} of {total} findings"
    page.locator('input[name="sev"][value="error"]').check()
    assert errors.first.is_visible()


def test_filtered_out_highlights_leave_the_tab_order_and_say_only_what_is_shown(page):
    marks = page.locator("mark.hl")
    assert all(marks.nth(i).get_attribute("tabindex") == "0" for i in range(marks.count()))
    page.locator('input[name="cat"][value="promotion"]').uncheck()
    off = page.locator("mark.hl.off")
    assert off.count() > 0
    assert all(off.nth(i).get_attribute("tabindex") == "-1" and off.nth(i).get_attribute("aria-hidden") == "true"
               for i in range(off.count()))
    on = page.locator("mark.hl:not(.off)")
    labels = [on.nth(i).get_attribute("aria-label") or "" for i in range(on.count())]
    assert labels and all(label and "ZZ902" not in label for label in labels)
    page.locator('input[name="cat"][value="promotion"]').check()
    assert page.locator("mark.hl.off").count() == 0 and page.locator('mark.hl[aria-hidden]').count() == 0


def test_filter_by_category_and_rule(page):
    page.locator('input[name="cat"][value="promotion"]').uncheck()
    assert page.locator("li.finding.k-promotion:visible").count() == 0
    assert page.locator("li.finding.k-claims:visible").count() > 0
    page.locator('input[name="cat"][value="promotion"]').check()
    page.select_option("#rule-filter", "ZZ902")
    assert page.locator("li.finding.k-claims:visible").count() == 0
    assert page.locator("li.finding.k-promotion:visible").count() > 0


def test_clicking_a_finding_scrolls_to_its_highlight(page):
    # The last finding of the long article sits far below the fold.
    link = page.locator("#a2 li.finding a.jump").last
    fid = link.get_attribute("data-f")
    mark = page.locator(f'mark.hl[data-f~="{fid}"]').first
    assert not mark_in_view(page, mark)
    link.click()
    page.wait_for_timeout(100)
    assert mark_in_view(page, mark)
    assert "flash" in (mark.get_attribute("class") or "")


def test_clicking_a_highlight_brings_its_finding_into_the_panel(browser, tmp_path, monkeypatch):
    # An article far down the page with more findings than its panel shows at once: the
    # finding of its last highlight is near the end of the panel's list.
    register_test_rules(monkeypatch)
    (tmp_path / "audit.toml").write_text('select = ["ZZ902"]\n', encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "1-first.md").write_text("# First\n\n" + "A quiet line.\n\n" * 150, encoding="utf-8")
    (tmp_path / "a" / "2-many.md").write_text("# Many\n\n" + "Buy now, said the page.\n\n" * 80, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    cli = __import__("audit.cli", fromlist=["cli"]).cli
    CliRunner().invoke(cli, ["report", "a", "-o", "out", "--no-cache"], catch_exceptions=False)
    context, page = _open(browser, (tmp_path / "out" / "index.html").as_uri())
    try:
        mark = page.locator("#a2 mark.hl").last
        mark.scroll_into_view_if_needed()
        mark.click()
        page.wait_for_timeout(100)
        current = page.locator("#a2 li.finding.current")
        assert current.count() == 1 and current.get_attribute("data-f") == mark.get_attribute("data-f")
        li, aside = current.bounding_box(), page.locator("#a2 aside.notes").bounding_box()
        assert li is not None and aside is not None
        assert aside["y"] <= li["y"] and li["y"] + li["height"] <= aside["y"] + aside["height"]
    finally:
        context.close()


def test_link_targets_and_the_findings_panel_stop_below_the_filter_bar(page):
    bar = page.locator("#filters").bounding_box()
    assert page.evaluate("getComputedStyle(document.documentElement).getPropertyValue('--bar')") == f"{round(bar['height'])}px"
    page.locator("table.articles-table a[href='#a2']").click()
    page.wait_for_timeout(100)
    heading = page.locator("#a2").bounding_box()
    assert heading["y"] >= bar["height"]


def test_printing_says_which_findings_the_filters_left_out(page):
    page.locator('input[name="sev"][value="error"]').uncheck()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    note = page.locator(".print-note")
    shown = page.locator("li.finding:not([hidden])").count()
    total = page.locator("li.finding").count()
    assert note.is_visible() and note.inner_text().startswith(f"Printed with filters: {shown} of {total} findings shown")
    assert "Errors" in note.inner_text() and "suppressed" not in note.inner_text()  # (this report has none)
    # With every finding shown again, the note goes.
    page.emulate_media(media="screen")
    page.locator('input[name="sev"][value="error"]').check()
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    page.emulate_media(media="print")
    assert not note.is_visible()


def test_printed_tables_fit_the_paper(browser, report):
    context = browser.new_context(viewport={"width": 688, "height": 900})
    pg = context.new_page()
    pg.goto(report.as_uri())
    pg.emulate_media(media="print")
    overflow = pg.evaluate(
        "Array.from(document.querySelectorAll('.table-scroll')).map(e => e.scrollWidth - e.clientWidth)")
    context.close()
    assert overflow and max(overflow) <= 1


def test_hovering_a_highlight_shows_rule_message_and_fix(page):
    mark = page.locator("#a1 mark.hl").first
    mark.hover()
    tip = page.locator("#tip")
    assert tip.is_visible()
    assert "ZZ901 test-marker-word" in tip.inner_text()
    assert "Fix: Replace" in tip.inner_text()
    # The message's markup is text in the tooltip, not elements.
    assert "<b>here</b>" in tip.inner_text()
    assert all(t.startswith("ZZ9") for t in tip.locator("b").all_inner_texts())


def test_articles_table_sorts(page):
    page.locator("table.articles-table th button", has_text="Warnings").click()
    first = page.locator("table.articles-table tbody tr").first.locator("td").first.inner_text()
    cells = page.locator("table.articles-table tbody tr td:nth-child(5)").all_inner_texts()
    assert cells == sorted(cells, key=int, reverse=True)
    assert first in ("articles/hostile.md", "articles/long.md")


def test_articles_table_sorts_by_text_where_a_cell_has_no_sort_key(page):
    # The article column sorts by the path shown (its cells carry no data-sort).
    page.locator("table.articles-table th button", has_text="Article").click()
    paths = page.locator("table.articles-table tbody tr td:nth-child(1)").all_inner_texts()
    assert len(paths) >= 2 and paths == sorted(paths)
    page.locator("table.articles-table th button", has_text="Article").click()
    assert page.locator("table.articles-table tbody tr td:nth-child(1)").all_inner_texts() == sorted(paths, reverse=True)


def mark_in_view(page, mark) -> bool:
    box = mark.bounding_box()
    height = page.evaluate("window.innerHeight")
    return box is not None and 0 <= box["y"] and box["y"] + box["height"] <= height


def test_a_page_of_a_split_report_works_on_its_own(split_page, report):
    page = split_page
    page.wait_for_timeout(200)
    assert page.problems == [] and page.dialogs == []
    assert [u for u in page.requests if not u.startswith(("file:", "data:"))] == []
    # Its filters count and hide its own findings.
    total = page.locator("li.finding").count()
    assert total > 0 and page.locator("#a2 li.finding").count() == total
    assert page.locator("#filter-count").inner_text() == f"Showing {total} of {total} findings"
    page.locator('input[name="cat"][value="promotion"]').uncheck()
    assert page.locator("li.finding.k-promotion:visible").count() == 0
    page.locator('input[name="cat"][value="promotion"]').check()
    # Clicking a finding still scrolls to its highlight, and the page links back to the overview.
    link = page.locator("#a2 li.finding a.jump").last
    mark = page.locator(f'mark.hl[data-f~="{link.get_attribute("data-f")}"]').first
    link.click()
    page.wait_for_timeout(100)
    assert mark_in_view(page, mark)
    page.locator("header .pager a", has_text="Overview").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/split/index.html")
    # From the overview, an article's row opens its page at the article.
    page.locator("table.articles-table a", has_text="articles/long.md").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/split/index-0002.html#a2")
    assert page.locator("#a2").is_visible()
    assert page.problems == []  # neither the overview (no filter bar) nor the page raised anything
