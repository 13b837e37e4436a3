"""build_scripts/serve_static.py: a browser dropping a connection is not reported as a server error."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "build_scripts"))
from serve_static import StaticServer  # noqa: E402


@pytest.fixture
def server(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>t</title>", "utf-8")
    srv = StaticServer(tmp_path)
    try:
        yield srv
    finally:
        srv.server_close()


@pytest.mark.parametrize("dropped", [ConnectionResetError, BrokenPipeError, ConnectionAbortedError])
def test_a_dropped_connection_says_nothing(server, capsys, dropped):
    try:
        raise dropped(104, "Connection reset by peer")
    except OSError:
        server.handle_error(None, ("127.0.0.1", 1))
    assert capsys.readouterr().err == ""


def test_any_other_error_is_still_reported(server, capsys):
    try:
        raise ValueError("a real bug")
    except ValueError:
        server.handle_error(None, ("127.0.0.1", 1))
    err = capsys.readouterr().err
    assert "ValueError: a real bug" in err and "Traceback" in err
