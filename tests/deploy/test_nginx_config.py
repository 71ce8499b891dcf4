"""deploy/nginx/goodhours.conf as bench/serving.py runs it: rendered for a temporary prefix and local ports, with
the defences against slow clients left as deployed, and accepted by `nginx -t` where nginx is installed."""
from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

import serving_stack  # noqa: E402  (bench/, beside the script that runs it)

KEPT = ("client_header_timeout", "client_body_timeout", "send_timeout", "proxy_buffering", "proxy_request_buffering",
        "proxy_read_timeout", "client_max_body_size", "gzip", "keepalive")


def _directives(text: str, name: str) -> list[str]:
    return re.findall(rf"^\s*{name}\s+([^;]*);", text, re.MULTILINE)


def test_the_rendered_config_keeps_every_slow_client_defence_and_drops_only_tls(tmp_path):
    deployed = serving_stack.SITE_CONF.read_text()
    rendered = serving_stack.render_site(deployed, listen=18080, upstream=18000, static=tmp_path)
    for name in KEPT:
        assert _directives(rendered, name) == _directives(deployed, name) != [], name
    assert _directives(rendered, "listen") == ["127.0.0.1:18080"]
    assert "ssl_certificate" not in rendered and "/srv/goodhours" not in rendered
    assert "server 127.0.0.1:18000 " in rendered
    with_limits = serving_stack.render_site(deployed, listen=18080, upstream=18000, static=tmp_path, limits=True)
    assert _directives(with_limits, "limit_conn") == _directives(deployed, "limit_conn")


@pytest.mark.skipif(serving_stack.nginx_binary() is None, reason="nginx is not installed (scripts/bench-setup.sh)")
@pytest.mark.parametrize("limits", [False, True])
def test_nginx_accepts_the_rendered_config(tmp_path, limits):
    conf = serving_stack.write_nginx_conf(tmp_path / "nginx", listen=18080, upstream=18000, limits=limits)
    checked = serving_stack.nginx_check(conf)
    assert checked.returncode == 0, checked.stderr
