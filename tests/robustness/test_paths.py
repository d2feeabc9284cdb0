"""Paths cannot escape: resource and snapshot paths that are absolute, contain ..,
are URLs, or are symlinks leading out are refused by `build` (and `check`) and by
`validate`, and validate opens no file outside the package and snapshot folders and
no network connection (watched with a Python audit hook)."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from tests.package_helpers import rehash
from tests.robustness.conftest import SOURCE, copy_project, invoke

RESOURCE_PATHS = [
    "/etc/passwd",
    "../quotes.csv",
    "data/../../quotes.csv",
    "https://example.org/q.csv",
    "file:///etc/passwd",
]


def errors(result) -> list[dict]:
    assert result.exit_code == 1, result.output
    return json.loads(result.stdout)["errors"]


def codes(result) -> set[str]:
    return {e["code"] for e in errors(result)}


def set_resource_path(descriptor_path: Path, name: str, value: str) -> None:
    descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    [resource] = [r for r in descriptor["resources"] if r["name"] == name]
    resource["path"] = value
    descriptor_path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")


@pytest.fixture
def project(tmp_path) -> Path:
    return copy_project(tmp_path)


@pytest.fixture
def package(tmp_path, built_package) -> Path:
    root = tmp_path / "project"
    shutil.copytree(built_package, root)
    return root


@pytest.fixture
def secret(tmp_path) -> Path:
    """A folder outside every package, holding files that a hostile path points at."""
    folder = tmp_path / "secret"
    folder.mkdir()
    return folder


# ---- build and check ----------------------------------------------------------------


@pytest.mark.parametrize("command", ["check", "build"])
@pytest.mark.parametrize("value", RESOURCE_PATHS)
def test_contract_resource_path_leading_out_is_refused(project, command, value):
    set_resource_path(project / "datapackage.json", "quotes", value)

    result = invoke(project, command, "--json")

    assert codes(result) == {"unsafe-path"}
    [error] = errors(result)
    assert error["file"] == "datapackage.json" and error["line"] is not None
    assert not (project / "build").exists()


@pytest.mark.parametrize(
    "link",
    ["raw/actors.csv", f"{SOURCE}/quotes.csv", f"{SOURCE}/snapshot.txt", f"{SOURCE}/source.json"],
)
def test_raw_file_that_is_a_symlink_out_of_raw_is_refused(project, secret, link):
    outside = secret / Path(link).name
    shutil.move(project / link, outside)  # the same bytes: only the place is wrong
    (project / link).symlink_to(outside)

    result = invoke(project, "build", "--json")

    found = errors(result)
    assert ("outside-folder", link) in {(e["code"], e["file"]) for e in found}
    assert not (project / "build").exists()


def test_source_folder_that_is_a_symlink_out_of_raw_is_refused(project, secret):
    folder = project / SOURCE
    shutil.move(folder, secret / "kandal-crime-2022")
    folder.symlink_to(secret / "kandal-crime-2022", target_is_directory=True)

    found = errors(invoke(project, "check", "--json"))

    assert {e["code"] for e in found} >= {"outside-folder"}
    assert f"{SOURCE}/source.json" in {e["file"] for e in found}


def test_symlink_that_stays_inside_raw_is_followed(project):
    shared = project / "raw" / "shared"
    shared.mkdir()
    shutil.move(project / "raw/indicators.csv", shared / "indicators.csv")
    (project / "raw/indicators.csv").symlink_to(Path("shared/indicators.csv"))

    result = invoke(project, "check")

    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("source_id", ["../../secret", "/etc", "https:", "..", "a/b"])
def test_source_id_that_is_not_a_folder_name_reads_no_snapshot(project, secret, source_id):
    (secret / "snapshot.txt").write_text("secret", encoding="utf-8")
    record = project / SOURCE / "source.json"
    document = json.loads(record.read_text(encoding="utf-8"))
    document["source_id"] = source_id
    record.write_text(json.dumps(document, indent=2), encoding="utf-8")

    found = errors(invoke(project, "check", "--json"))

    unsafe = [e for e in found if e["code"] == "unsafe-path"]
    assert unsafe and unsafe[0]["file"] == f"{SOURCE}/source.json"
    assert not any("snapshot" in e["code"] for e in found)  # the secret was not read


@pytest.mark.parametrize(
    "loop",
    ["raw/sources/loop", f"{SOURCE}/quotes.csv", f"{SOURCE}/notes.txt", "raw/figures.csv"],
)
@pytest.mark.parametrize("command", ["check", "build"])
def test_symlink_loop_under_raw_is_reported_by_name(project, loop, command):
    (project / loop).unlink(missing_ok=True)
    (project / loop).symlink_to(Path(loop).name)  # a link to itself

    found = errors(invoke(project, command, "--json"))

    assert ("symlink-loop", loop) in {(e["code"], e["file"]) for e in found}
    [error] = [e for e in found if e["file"] == loop]
    assert "loop" in error["message"] and "expected a file or a folder" in error["message"]
    assert not (project / "build").exists()


@pytest.mark.parametrize("kind", ["loop", "file"])
def test_sources_folder_that_is_a_loop_or_a_file_is_reported_not_read_as_no_sources(project, kind):
    shutil.rmtree(project / "raw/sources")
    if kind == "loop":
        (project / "raw/sources").symlink_to("sources")
    else:
        (project / "raw/sources").write_text("not a folder", encoding="utf-8")

    found = errors(invoke(project, "check", "--json"))

    assert [(e["code"], e["file"]) for e in found] == [("not-a-folder", "raw/sources")]


def test_add_source_into_a_symlink_loop_is_refused_before_any_write(tmp_path, project):
    article = tmp_path / "article.txt"
    article.write_text("Thefts rose by 12 per cent.", encoding="utf-8")
    (project / "raw/sources/loopy").symlink_to("loopy")

    found = errors(invoke(project, "add-source", str(article), "--id", "loopy", "--json"))

    assert [(e["code"], e["file"]) for e in found] == [("not-a-folder", "raw/sources/loopy")]
    assert (project / "raw/sources/loopy").is_symlink()


@pytest.mark.parametrize("where", ["raw/figures.csv", f"{SOURCE}/figures.csv", "raw/actors.csv"])
def test_resource_file_that_is_a_folder_is_reported_not_skipped(project, where):
    shutil.rmtree(project / where, ignore_errors=True)
    (project / where).unlink(missing_ok=True)
    (project / where).mkdir()
    (project / where / "figures.csv").write_text("hidden inside", encoding="utf-8")

    found = errors(invoke(project, "check", "--json"))

    assert [(e["code"], e["file"]) for e in found] == [("not-a-file", where)]
    assert "expected a file, found a folder" in found[0]["message"]


# ---- validate ---------------------------------------------------------------------------


@pytest.mark.parametrize("value", RESOURCE_PATHS)
def test_descriptor_resource_path_leading_out_is_refused_by_validate(package, value):
    set_resource_path(package / "build/datapackage.json", "quotes", value)

    result = invoke(package, "validate", "--json")

    assert "unsafe-path" in codes(result)


@pytest.mark.parametrize("link", ["data/quotes.csv", "data", "datapackage.json"])
def test_package_file_that_is_a_symlink_out_of_the_package_is_refused(package, secret, link):
    target = secret / Path(link).name
    shutil.move(package / "build" / link, target)  # byte-identical: size and hash match
    (package / "build" / link).symlink_to(target, target_is_directory=target.is_dir())

    found = errors(invoke(package, "validate", "--json"))

    assert {e["code"] for e in found} == {"outside-folder"}
    shown = "build/data/quotes.csv" if link == "data" else f"build/{link}"
    assert shown in {e["file"] for e in found}


def test_snapshot_that_is_a_symlink_out_of_the_snapshot_folder_is_refused(package, secret):
    snapshot = package / SOURCE / "snapshot.txt"
    shutil.move(snapshot, secret / "snapshot.txt")
    snapshot.symlink_to(secret / "snapshot.txt")

    found = errors(invoke(package, "validate", "--json"))

    assert [(e["code"], e["file"]) for e in found] == [("outside-folder", f"{SOURCE}/snapshot.txt")]


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("package", "https://example.org/profile.json"),
        ("package", "profile.json"),
        ("resource", "https://example.org/profile.json"),
        ("resource", "../secret/profile.json"),
    ],
)
def test_profile_that_would_be_fetched_or_read_is_refused(package, where, value):
    (package / "profile.json").write_text('{"type": "object"}', encoding="utf-8")
    path = package / "build/datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    (descriptor if where == "package" else descriptor["resources"][0])["profile"] = value
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    found = errors(invoke(package, "validate", "--json"))

    assert [e["code"] for e in found] == ["external-reference"]
    assert found[0]["line"] is not None


# ---- what validate touches ---------------------------------------------------------------

_WATCHED: list | None = None


def _audit(event: str, args: tuple) -> None:
    if _WATCHED is None:
        return
    if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
        _WATCHED.append(("open", os.path.abspath(os.fsdecode(args[0]))))
    elif event in ("os.listdir", "os.scandir") and args and args[0] is not None:
        named = not isinstance(args[0], int)
        _WATCHED.append(("list", os.path.abspath(os.fsdecode(args[0])) if named else ""))
    elif event.startswith(("socket.", "urllib.", "http.client.")):
        _WATCHED.append(("socket", event))


@pytest.fixture(scope="session")
def audit():
    sys.addaudithook(_audit)  # a hook cannot be removed: it does nothing unless watching


def watched(folder: Path, *args: str) -> tuple[object, list]:
    global _WATCHED
    _WATCHED = []
    try:
        result = invoke(folder, *args)
    finally:
        seen, _WATCHED = _WATCHED, None
    return result, seen


def test_validate_of_a_hostile_package_opens_nothing_outside_it_and_no_socket(
    package, secret, audit
):
    """Every trick at once: a symlinked data file, a source_id leading out, a profile
    URL. validate reports them and touches only the package, the snapshot folder and
    Python's own installation."""
    (secret / "snapshot.txt").write_text("secret", encoding="utf-8")
    build = package / "build"
    shutil.move(build / "data/actors.csv", secret / "actors.csv")
    (build / "data/actors.csv").symlink_to(secret / "actors.csv")
    sources = build / "data/sources.csv"
    sources.write_bytes(sources.read_bytes().replace(b"\nkandal-crime-2022,", b"\n../../secret,"))
    rehash(build)
    path = build / "datapackage.json"
    descriptor = json.loads(path.read_text(encoding="utf-8"))
    descriptor["resources"][2]["profile"] = "https://example.org/profile.json"
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")

    first, seen_first = watched(package, "validate", "--json")
    descriptor["resources"][2].pop("profile")
    path.write_text(json.dumps(descriptor, indent=2), encoding="utf-8")
    rehash(build)
    second, seen_second = watched(package, "validate", "--json")

    assert codes(first) == {"external-reference"}
    assert codes(second) >= {"outside-folder"}
    allowed = [build.resolve(), (package / "raw/sources").resolve(), *_python_roots()]
    for kind, target in seen_first + seen_second:
        assert kind != "socket", f"validate used the network: {target}"
        if not target:
            continue
        real = Path(target).resolve()
        assert not real.is_relative_to(secret.resolve()), f"validate opened {target}"
        assert any(real.is_relative_to(root) for root in allowed) or kind == "list", (
            f"validate opened {target}, outside the package and snapshot folders"
        )


def test_validate_of_a_sound_package_reads_its_files_and_snapshots(package, audit):
    result, seen = watched(package, "validate")

    assert result.exit_code == 0, result.output
    opened = {Path(t).resolve() for kind, t in seen if kind == "open"}
    assert (package / "build/data/quotes.csv").resolve() in opened
    assert (package / SOURCE / "snapshot.txt").resolve() in opened


def _python_roots() -> list[Path]:
    import sysconfig

    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *sysconfig.get_paths().values()}
    return [Path(r).resolve() for r in roots if r] + [Path("/dev/null"), Path("/etc/localtime")]


def test_frictionless_gets_no_network_even_for_a_profile_url(built_package, audit):
    """Past our own refusal, frictionless itself is offline: a profile URL it would
    fetch becomes a problem, and no socket is opened."""
    # requests first: urllib3's import binds a socket to ::1 to learn whether IPv6 works
    # (and connects nowhere); that is the import's, not the check's
    import requests  # noqa: F401

    from pipeline.check.profile import profile_problems

    descriptor = json.loads((built_package / "build/datapackage.json").read_text("utf-8"))
    descriptor["profile"] = "https://example.org/profile.json"
    global _WATCHED
    _WATCHED = []
    try:
        found = profile_problems(descriptor, "datapackage.json")
    finally:
        seen, _WATCHED = _WATCHED, None

    assert [kind for kind, _ in seen if kind == "socket"] == []
    assert any("validate works offline" in p.message for p in found), found


def test_escapes_walks_symlinks_below_the_root_only(tmp_path):
    """files.escapes: a plain path under root is inside without resolving it; a
    symlink below root is followed wherever it leads; .. and loops are judged in full."""
    from pipeline.files import escapes

    root, outside = tmp_path / "root", tmp_path / "outside"
    (root / "a").mkdir(parents=True)
    outside.mkdir()
    (root / "a" / "file.txt").write_text("x")
    (outside / "secret.txt").write_text("s")
    (root / "in-link").symlink_to(root / "a")
    (root / "out-link").symlink_to(outside)
    (root / "a" / "file-out").symlink_to(outside / "secret.txt")
    (root / "loop").symlink_to(root / "loop")
    assert not escapes(root / "a" / "file.txt", root)
    assert not escapes(root / "a" / "not-there" / "deeper.txt", root)
    assert not escapes(root / "in-link" / "file.txt", root)
    assert escapes(root / "out-link" / "secret.txt", root)
    assert escapes(root / "a" / "file-out", root)
    assert escapes(root / ".." / "outside" / "secret.txt", root)
    assert not escapes(root / "a" / ".." / "a" / "file.txt", root)
    assert escapes(root / "loop" / "x", root)
    assert escapes(outside / "secret.txt", root)
    # the root itself may be reached through a symlink: what is under it is still inside
    (tmp_path / "root-link").symlink_to(root)
    assert not escapes(tmp_path / "root-link" / "a" / "file.txt", tmp_path / "root-link")
    assert escapes(tmp_path / "root-link" / "out-link" / "secret.txt", tmp_path / "root-link")
