"""Issue 15, finding 7: nothing leaves the machine.

The dashboard server (with a real browser loading a page) and an export with PNG images (Kaleido's
Chromium) run under ``strace -f``; every ``connect()`` and ``sendto()/sendmsg()`` of every process
and thread is read back. Allowed: Unix sockets and loopback addresses. A UDP ``connect()`` to an
outside address on which nothing is ever sent is a route lookup (Chromium asks the kernel which
source address it would use for 2001:4860:4860::8888 to learn whether IPv6 is reachable; no packet
is sent) and is reported, not failed. The browser's own requests are checked separately, from
Playwright: every URL the page loads must be on the local server (or data:/blob:).
"""
from __future__ import annotations

import ipaddress
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
STRACE = shutil.which("strace")

pytestmark = [
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="strace is Linux-only"),
    pytest.mark.skipif(STRACE is None, reason="strace is not installed (apt-get install strace; `make setup` "
                                              "installs it as root)"),
]

#: A syscall line of ``strace -f -yy``: the fd is annotated with its socket, e.g.
#: ``connect(23<UDPv6:[4711]>, {... inet_pton(AF_INET6, "2001:4860:4860::8888", ...)}, 28) = 0`` or
#: ``sendto(7<TCP:[127.0.0.1:40000->127.0.0.1:8501]>, ...)``. Lines cut by another thread
#: (``<unfinished ...>``) still hold the fd and the address.
_CALL = re.compile(r"^(\d+)\s+(connect|sendto|sendmsg|sendmmsg)\((\d+)(?:<([A-Za-z0-9]+):\[(.*?)\]>)?(.*)$")
_INET = re.compile(r'inet_addr\("([^"]+)"\)|inet_pton\(AF_INET6?, "([^"]+)"')
_PEER = re.compile(r"->\[?([0-9A-Fa-f:.]+?)\]?:\d+$")


def _outside(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_loopback or ip.is_unspecified)


def outbound(trace: str) -> tuple[list[str], list[str]]:
    """(connections, DNS queries or data to outside addresses; UDP route lookups without data) in an
    ``strace -f -yy`` trace of ``connect``/``sendto``/``sendmsg``/``sendmmsg``.

    A UDP ``connect()`` to an outside address sends nothing by itself; data later sent on that fd
    (strace does not always print the peer of a connected UDP socket) or a connect to port 53 (a
    DNS server: a host name is being looked up) is outbound traffic.
    """
    bad, probes = [], {}
    for line in trace.splitlines():
        m = _CALL.match(line)
        if not m:
            continue
        _, call, fd, proto, endpoints, args = m.groups()
        proto = (proto or "").upper()
        if proto.startswith(("UNIX", "NETLINK")):
            continue
        targets = [a or b for a, b in _INET.findall(args)]
        peer = _PEER.search(endpoints or "")
        if peer:
            targets.append(peer.group(1))
        outside = any(_outside(t) for t in targets)
        if call == "connect" and proto.startswith("UDP"):
            probes.pop(fd, None)
            if outside and "htons(53)" in args:
                bad.append(line)
            elif outside:
                probes[fd] = line
        elif call != "connect" and fd in probes and proto.startswith("UDP"):
            bad.append(probes.pop(fd) + "  +  " + line)
        elif outside:
            bad.append(line)
    return bad, list(probes.values())


def _strace(argv: list[str], out: Path, **kw) -> subprocess.Popen:
    return subprocess.Popen([STRACE, "-f", "-qq", "-yy", "-e", "trace=connect,sendto,sendmsg,sendmmsg",
                             "-o", str(out), *argv], cwd=ROOT, start_new_session=True, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def test_outbound_parser_tells_connections_from_route_lookups():
    trace = "\n".join([
        '1 connect(5<TCP:[4711]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("142.250.1.1")}, 16) '
        '= -1 EINPROGRESS',
        '1 connect(6<UDPv6:[4712]>, {sa_family=AF_INET6, sin6_port=htons(443), inet_pton(AF_INET6, '
        '"2001:4860:4860::8888", &sin6_addr), sin6_scope_id=0}, 28) = 0',
        '2 connect(7<TCP:[4713]>, {sa_family=AF_INET, sin_port=htons(8501), sin_addr=inet_addr("127.0.0.1")}, 16 '
        '<unfinished ...>',
        '2 sendto(7<TCP:[127.0.0.1:40000->127.0.0.1:8501]>, "GET /", 5, 0, NULL, 0) = 5',
        '3 sendto(8<UDP:[10.0.0.2:5353->8.8.8.8:53]>, "dns", 3, 0, NULL, 0) = 3',
        '4 connect(23<UDP:[146441]>, {sa_family=AF_INET, sin_port=htons(53), sin_addr=inet_addr("10.255.255.53")}, 16) '
        '= 0',
        '4 connect(24<UDP:[146442]>, {sa_family=AF_INET, sin_port=htons(443), sin_addr=inet_addr("10.1.1.1")}, 16) = 0',
        '4 sendto(24<UDP:[0.0.0.0:60778]>, "query", 5, 0, NULL, 0 <unfinished ...>',
        '3 sendmsg(9<UNIX-STREAM:[4714->4715]>, {msg_name=NULL}, 0) = 10',
        '3 sendto(23<NETLINK:[ROUTE:26270]>, "\\20\\0", 64, MSG_NOSIGNAL, NULL, 0) = 64',
    ])
    bad, lookups = outbound(trace)
    assert [b.split()[1][:10] for b in bad] == ["connect(5<", "sendto(8<U", "connect(23", "connect(24"]
    assert len(lookups) == 1 and "2001:4860" in lookups[0]


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent: apt-get install chromium")
def test_an_export_with_png_images_connects_to_nobody(tmp_path):
    trace = tmp_path / "export.strace"
    ds = tmp_path / "ds"
    ds.mkdir()
    import pandas as pd

    p = pd.read_csv(ROOT / "data" / "demo" / "patients.csv").head(80)
    for f in ("assessments.csv", "treatments.csv"):
        t = pd.read_csv(ROOT / "data" / "demo" / f, dtype=str, keep_default_na=False)
        t[t["patient_id"].isin(p["patient_id"])].to_csv(ds / f, index=False)
    p.to_csv(ds / "patients.csv", index=False)
    proc = _strace([sys.executable, "-m", "analysis", "export", str(ds), "--out", str(tmp_path / "out"),
                    "--format", "png"], trace, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    out, _ = proc.communicate(timeout=600)
    assert proc.returncode == 0, out.decode(errors="replace")[-2000:]
    assert list((tmp_path / "out" / "figures").glob("*.png"))
    bad, lookups = outbound(trace.read_text())
    assert not bad, "\n".join(bad[:10])
    print("UDP route lookups without data:", len(lookups))


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"{CHROMIUM} is absent: apt-get install chromium")
def test_the_dashboard_server_and_a_page_load_connect_to_nobody(tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    port = _free_port()
    trace = tmp_path / "server.strace"
    proc = _strace([sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
                    "--server.headless", "true", "--server.address", "localhost",
                    "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"],
                   trace, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://localhost:{port}"
    requests: list[str] = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the dashboard did not start")
        # Kept from issue 15's "handled well": no CORS header for a foreign origin.
        req = urllib.request.Request(url + "/_stcore/health", headers={"Origin": "http://evil.example"})
        with urllib.request.urlopen(req, timeout=5) as r:
            assert "access-control-allow-origin" not in {k.lower() for k in r.headers}
        with playwright.sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 1400})
            page.on("request", lambda r: requests.append(r.url))
            page.goto(url + "/pain_relief")
            page.wait_for_selector("[data-testid=stPlotlyChart] .main-svg", timeout=90_000)
            page.wait_for_timeout(1500)
            icons = page.locator("link[rel*=icon]").evaluate_all("els => els.map(e => e.href)")
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    outside = [u for u in requests if not re.match(rf"(http://localhost:{port}/|data:|blob:|about:)", u)]
    assert not outside, outside
    assert icons and all(i.startswith(url) or i.startswith("data:") for i in icons), icons
    bad, _ = outbound(trace.read_text())
    assert not bad, "\n".join(bad[:10])
